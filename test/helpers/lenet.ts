/** The small LeNet of scripts/fixtures/models.py (also the checkpoint io.py saves), in tensorgrad. */
import * as torch from '../../lib';

const { nn } = torch;
const F = torch.nn.functional;

export class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3);
  conv2 = new nn.Conv2d(4, 8, 3, { padding: 1 });
  fc1 = new nn.Linear(8 * 2 * 2, 16);
  fc2 = new nn.Linear(16, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), 2) as torch.Tensor;
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2) as torch.Tensor;
    return this.fc2.forward(F.relu(this.fc1.forward(x.flatten(1))));
  }
}
