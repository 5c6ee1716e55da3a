// Metrics from model outputs: classification accuracy with torch.max(outputs, 1) and the
// mean absolute error with an arithmetic expression.
'use strict';
const torch = require('..');
const { nn } = torch;

torch.manualSeed(0);
// A (tiny, untrained) model stands in for the trained one; outputs are its logits
const model = new nn.Linear(4, 3);
const data = torch.randn(8, 4);
const labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]);

// Make predictions
const outputs = model.forward(data);
// The maximum score and its position
const [, predicted] = torch.max(outputs, 1);
console.log(`predicted: ${predicted}`);

// Compute the accuracy
const correct = predicted.eq(labels).sum().item();
const total = labels.size(0);
const accuracy = correct / total;
console.log(`correct: ${correct} / ${total}`);
console.log(`Precisión del modelo sobre las imágenes de prueba: ${Math.trunc(100 * accuracy)} %`);

// Fixed logits give a known accuracy
const logits = torch.tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1], [0.0, 0.1, 3.0], [0.9, 0.8, 0.7]]);
const target = torch.tensor([1, 0, 1, 0]);
const { values, indices } = torch.max(logits, 1);
console.log(`max values: ${values}`);
console.log(`max indices: ${indices}`);
console.log(`accuracy: ${indices.eq(target).sum().item() / target.size(0)}`);

// Mean absolute error: output holds the predictions, goal the ground truth
const output = torch.tensor([1.5, 2.5, 3.5, 4.5]);
const goal = torch.tensor([2.0, 2.0, 4.0, 3.0], { dtype: torch.float32 });
const mae = output.sub(goal).abs().mean().item();
console.log(`Mean Absolute Error: ${mae.toFixed(2)}`);
