// Autograd records a graph of the operations on tensors that require grad (leaves are the
// inputs, the root the output) and walks it backwards with the chain rule.
'use strict';
const torch = require('..');

// requires_grad=True at creation
const x = torch.tensor([1.0, 2.0, 3.0], { dtype: torch.float32, requiresGrad: true });
const y = x.pow(2);
const z = y.mul(3).sum();
console.log(`x: ${x}`);
console.log(`y = x ** 2: ${y}`);
console.log(`z = (3 * y).sum(): ${z}`);

// Each result remembers the function that created it; leaves accumulate gradients
console.log(`z.gradFn: ${z.gradFn.name()}`);
console.log(`z.gradFn.nextFunctions: ${z.gradFn.nextFunctions.map(([n]) => (n ? n.name() : 'null')).join(', ')}`);
console.log(`y.gradFn: ${y.gradFn.name()}`);
console.log(`y.gradFn.nextFunctions[0]: ${y.gradFn.nextFunctions[0][0].name()}`);
console.log(`x.isLeaf: ${x.isLeaf}, y.isLeaf: ${y.isLeaf}, x.gradFn: ${x.gradFn}`);

// Intermediate (non-leaf) tensors only keep .grad when asked to
y.retainGrad();
z.backward();
console.log(`x.grad (dz/dx = 6x): ${x.grad}`);
console.log(`y.grad (dz/dy = 3): ${y.grad}`);

// Gradients accumulate until zeroed
x.pow(2).sum().backward();
console.log(`x.grad after a second backward (6x + 2x): ${x.grad}`);
x.grad.zero_();
console.log(`x.grad after zero_(): ${x.grad}`);

// requires_grad set after creation, and a non-scalar output with an explicit gradient
const w = torch.ones(2, 2);
w.requiresGrad = true;
const out = w.add(2).mul(w);
out.backward(torch.ones(2, 2));
console.log(`w.grad (d/dw (w + 2) * w = 2w + 2):\n${w.grad}`);

// The graph is freed by backward unless retainGraph is set
const a = torch.tensor([2.0], { dtype: torch.float32, requiresGrad: true });
const b = a.mul(a);
b.backward({ retainGraph: true });
b.backward();
console.log(`a.grad after two backwards with retainGraph: ${a.grad}`);
try {
  b.backward();
} catch (e) {
  console.log(`third backward: ${e.constructor.name}: ${e.message.split('.')[0]}.`);
}

// torch.autograd.grad returns gradients instead of accumulating them
const u = torch.tensor([0.5], { dtype: torch.float32, requiresGrad: true });
const [du] = torch.autograd.grad(u.sin(), u);
console.log(`d sin(u)/du at 0.5 (= cos 0.5): ${du}`);
