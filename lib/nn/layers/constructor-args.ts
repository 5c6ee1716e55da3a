/**
 * Types for layer constructors that take PyTorch's positional arguments or keyword
 * options as an object (`new nn.LSTM(4, 8, 2, { batchFirst: true })`). The constructors
 * parse `...rest` at run time; these types make TypeScript check the same forms instead
 * of accepting any `unknown[]` (a misspelled option name is a compile error).
 */

/** Each positional argument may be left out as `null` / `undefined` (Python's None / default). */
type Nullable<P extends unknown[]> = { [K in keyof P]: P[K] | null | undefined };

/**
 * A prefix of the positional arguments `P` followed by an optional options object `O`:
 * `[O?] | [P0, O?] | [P0, P1, O?] | …` (parsed by lib/args.ts parseTrailing, or rnnOptions).
 */
export type PositionalThenOptions<P extends unknown[], O> = P extends [...infer Head, unknown]
  ? PositionalThenOptions<Head, O> | [...Nullable<P>, O?]
  : [O?];

/** Either one options object or only positional arguments (no longer used by the layers: they take PositionalThenOptions). */
export type PositionalOrOptions<P extends unknown[], O> = [O?] | Partial<Nullable<P>>;
