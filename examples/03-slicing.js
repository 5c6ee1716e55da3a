// Slicing a (2, 4, 4) tensor with Python's notation: t.index(...) is t[...].
'use strict';
const torch = require('..');

torch.setPrintoptions({ precision: 2 });
torch.manualSeed(0);
const a = torch.rand(2, 4, 4);
console.log(`a:\n${a}`);

console.log(`a[1]:\n${a.index(1)}`);
console.log(`a[1, 2:3]:\n${a.index(1, '2:3')}`);
console.log(`a[:, 0, :]:\n${a.index(':', 0, ':')}`);
console.log(`a[..., -1]:\n${a.index('...', -1)}`);
console.log(`a[0, ::2, 1:3]:\n${a.index(0, '::2', '1:3')}`);
// A boolean mask selects (and copies) the matching elements
console.log(`a[a > 0.9]: ${a.index(a.gt(0.9))}`);
