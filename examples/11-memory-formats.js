// Physical layouts of a batch of images. The logical shape stays (N, C, H, W); only the
// strides (how far apart neighbours are in memory) change:
//   NCHW  channels first, PyTorch's default (torch.contiguousFormat)
//   NHWC  channels last (torch.channelsLast): the C values of one pixel are adjacent
//   CHWN  batch last: not a PyTorch memory format, obtained here as a permute view
'use strict';
const torch = require('..');

const [N, C, H, W] = [2, 3, 4, 5];
const nchw = torch.arange(N * C * H * W, { dtype: torch.float32 }).reshape(N, C, H, W);
console.log(`NCHW shape ${nchw.shape} stride [${nchw.stride().join(', ')}] contiguous: ${nchw.isContiguous()}`);

const nhwc = nchw.contiguous({ memoryFormat: torch.channelsLast });
console.log(`NHWC shape ${nhwc.shape} stride [${nhwc.stride().join(', ')}] channelsLast: ${nhwc.isContiguous({ memoryFormat: torch.channelsLast })}`);
console.log(`same values: ${nhwc.equal(nchw)}`);

// Batch-last storage: lay the data out as (C, H, W, N), then view it as (N, C, H, W)
const chwnStorage = nchw.permute(1, 2, 3, 0).contiguous();
const chwn = chwnStorage.permute(3, 0, 1, 2);
console.log(`CHWN shape ${chwn.shape} stride [${chwn.stride().join(', ')}] contiguous: ${chwn.isContiguous()}`);
console.log(`same values: ${chwn.equal(nchw)}`);

// The first pixel's channels: far apart in NCHW, adjacent in NHWC memory
console.log(`NCHW memory starts: [${Array.from(nchw.data().slice(0, 6)).join(', ')}]`);
console.log(`NHWC memory starts: [${Array.from(nhwc.permute(0, 2, 3, 1).contiguous().data().slice(0, 6)).join(', ')}]`);
console.log(`CHWN memory starts: [${Array.from(chwnStorage.data().slice(0, 6)).join(', ')}]`);

// Creation and *Like keep the requested format; a model can be converted the same way
const x = torch.randn(N, C, H, W).contiguous({ memoryFormat: torch.channelsLast });
console.log(`randn(...).contiguous(channelsLast) stride [${x.stride().join(', ')}], zerosLike keeps it: [${torch.zerosLike(x).stride().join(', ')}]`);
const conv = new torch.nn.Conv2d(C, 8, 3).to({ memoryFormat: torch.channelsLast });
const y = conv.forward(x);
console.log(`conv2d on channelsLast input: shape ${y.shape} channelsLast: ${y.isContiguous({ memoryFormat: torch.channelsLast })}`);
