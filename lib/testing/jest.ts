/**
 * require('tensorgrad/testing/jest') registers matchers on jest's global expect:
 *   expect(t).toBeCloseToTensor(expected, { rtol, atol })
 *   expect(fn).toPassGradcheck(inputs, { eps, atol, rtol })
 */
import { Tensor } from '../tensor';
import { gradcheck, GradcheckOptions } from '../autograd/gradcheck';
import { assertClose, CloseOptions } from './index';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}
type Expect = { extend(matchers: Record<string, (this: unknown, ...args: never[]) => MatcherResult>): void };

function outcome(run: () => unknown, okMessage: string): MatcherResult {
  try {
    run();
    return { pass: true, message: () => okMessage };
  } catch (e) {
    return { pass: false, message: () => (e as Error).message };
  }
}

const matchers = {
  toBeCloseToTensor(received: Tensor, expected: Tensor | number | number[], opts?: CloseOptions): MatcherResult {
    return outcome(() => assertClose(received, expected, opts), 'expected the tensors not to be close');
  },
  toPassGradcheck(received: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor | Tensor[], opts?: GradcheckOptions): MatcherResult {
    return outcome(() => gradcheck(received, inputs, opts), 'expected gradcheck to fail');
  },
};

const globalExpect = (globalThis as { expect?: Expect }).expect;
if (globalExpect) globalExpect.extend(matchers as never);

export { matchers };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeCloseToTensor(expected: Tensor | number | number[], opts?: CloseOptions): R;
      toPassGradcheck(inputs: Tensor | Tensor[], opts?: GradcheckOptions): R;
    }
  }
}
