/**
 * A restricted unpickler: the opcodes of pickle protocols 2-4 that PyTorch's torch.save
 * emits for state dicts, and nothing else. It never imports or calls anything by itself:
 * every GLOBAL goes through `resolveGlobal`, which returns the few callables the caller
 * allows (or throws), and REDUCE may only call those. Unknown opcodes throw a TensorError
 * naming the opcode and its position.
 */
import { TensorError } from '../errors';

/** A callable that resolveGlobal allows: REDUCE calls it with the argument tuple. */
export class PickleCallable {
  constructor(readonly qualifiedName: string, readonly call: (args: readonly unknown[]) => unknown) {}
}

/** Any other value a global may stand for (e.g. a storage type marker); it cannot be called. */
export class PickleGlobal {
  constructor(readonly qualifiedName: string, readonly value: unknown) {}
}

/** A dict (or OrderedDict): insertion-ordered, keys are the unpickled key values. */
export class PickleDict {
  readonly entries = new Map<unknown, unknown>();
}

/** A tuple (distinct from a list so callers can check argument shapes). */
export class PickleTuple {
  constructor(readonly items: readonly unknown[]) {}
}

export interface UnpickleHooks {
  resolveGlobal(module: string, name: string): PickleCallable | PickleGlobal;
  persistentLoad(pid: unknown): unknown;
}

const OPCODE_NAMES: Record<number, string> = {
  0x80: 'PROTO', 0x95: 'FRAME', 0x2e: 'STOP', 0x7d: 'EMPTY_DICT', 0x5d: 'EMPTY_LIST', 0x29: 'EMPTY_TUPLE',
  0x28: 'MARK', 0x74: 'TUPLE', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x94: 'MEMOIZE', 0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x58: 'BINUNICODE', 0x8c: 'SHORT_BINUNICODE', 0x63: 'GLOBAL',
  0x51: 'BINPERSID', 0x4a: 'BININT', 0x4b: 'BININT1', 0x4d: 'BININT2', 0x8a: 'LONG1', 0x88: 'NEWTRUE',
  0x89: 'NEWFALSE', 0x4e: 'NONE', 0x47: 'BINFLOAT', 0x52: 'REDUCE', 0x73: 'SETITEM', 0x75: 'SETITEMS',
  0x61: 'APPEND', 0x65: 'APPENDS', 0x62: 'BUILD',
  // Known but refused: named in the error so a reader sees what the file tried to do.
  0x69: 'INST', 0x6f: 'OBJ', 0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x50: 'PERSID',
  0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x49: 'INT', 0x4c: 'LONG', 0x53: 'STRING', 0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x46: 'FLOAT', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8e: 'BINBYTES8', 0x8d: 'BINUNICODE8', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
  0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x64: 'DICT', 0x6c: 'LIST', 0x67: 'GET', 0x70: 'PUT',
  0x31: 'POP_MARK', 0x30: 'POP', 0x32: 'DUP',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Runs the pickle program in `bytes` and returns the value STOP leaves on the stack. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, what = 'pickle'): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;
  let opStart = 0;

  const fail = (why: string): never => {
    throw new TensorError(`${what}: ${why} (at byte ${opStart})`);
  };
  const need = (n: number): void => {
    if (at + n > bytes.byteLength) fail('truncated pickle data');
  };
  const u8 = (): number => {
    need(1);
    return bytes[at++];
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(at, true);
    at += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const text = (length: number): string => {
    need(length);
    const slice = bytes.subarray(at, at + length);
    at += length;
    try {
      return utf8.decode(slice);
    } catch {
      return fail('string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('truncated GLOBAL');
    const s = Buffer.from(bytes.subarray(at, end)).toString('latin1');
    at = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) return fail('MARK expected');
    return stack.splice(mark);
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo key ${index} not found`);
    return memo.get(index);
  };
  const setItems = (dict: unknown, items: readonly unknown[]): void => {
    if (!(dict instanceof PickleDict)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) fail('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (key !== null && typeof key === 'object' && !(key instanceof PickleTuple)) fail('unhashable dict key');
      (dict as PickleDict).entries.set(key, items[i + 1]);
    }
  };
  const append = (list: unknown, items: readonly unknown[]): void => {
    if (!Array.isArray(list)) fail('APPEND(S) on something that is not a list');
    for (const item of items) (list as unknown[]).push(item);
  };

  for (;;) {
    opStart = at;
    if (at >= bytes.byteLength) fail('pickle data ends without STOP');
    const op = bytes[at++];
    switch (op) {
      case 0x80: { // PROTO
        const version = u8();
        if (version > 5) fail(`unsupported pickle protocol ${version}`);
        break;
      }
      case 0x95: // FRAME: an 8-byte length hint; the data follows inline.
        need(8);
        at += 8;
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) fail('STOP with a malformed stack');
        return stack[0];
      case 0x7d: stack.push(new PickleDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PickleTuple([])); break; // EMPTY_TUPLE
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x74: stack.push(new PickleTuple(popMark())); break; // TUPLE
      case 0x85: stack.push(new PickleTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        const a = pop();
        stack.push(new PickleTuple([a, b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PickleTuple([a, b, c]));
        break;
      }
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x63: { // GLOBAL
        const module = line();
        const name = line();
        stack.push(hooks.resolveGlobal(module, name));
        break;
      }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(at, true));
        at += 4;
        break;
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: { // LONG1: little-endian two's complement of n bytes
        const n = u8();
        need(n);
        let value = 0n;
        for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] & 0x80) value -= 1n << BigInt(8 * n);
        at += n;
        const asNumber = Number(value);
        stack.push(Number.isSafeInteger(asNumber) ? asNumber : value);
        break;
      }
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4e: stack.push(null); break; // NONE
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        stack.push(view.getFloat64(at, false));
        at += 8;
        break;
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PickleCallable)) {
          const name = callable instanceof PickleGlobal ? callable.qualifiedName : typeof callable;
          fail(`REDUCE on ${name}, which is not an allowed callable`);
        }
        if (!(args instanceof PickleTuple)) fail('REDUCE arguments are not a tuple');
        stack.push((callable as PickleCallable).call((args as PickleTuple).items));
        break;
      }
      case 0x73: { // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x62: { // BUILD: only a dict's attribute state (OrderedDict._metadata), which we drop.
        pop();
        if (!(top() instanceof PickleDict)) fail('BUILD on something that is not a dict');
        break;
      }
      default: {
        const name = OPCODE_NAMES[op];
        const printable = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : '';
        fail(`unsupported pickle opcode ${name ?? 'unknown'} (0x${op.toString(16).padStart(2, '0')}${printable})`);
      }
    }
  }
}
