package dev.dspy4j.core.optimize.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Python's {@code random.Random} (CPython 3.11): the MT19937 generator seeded as CPython seeds it
 * from an int, and the algorithms of {@code random()}, {@code randint}, {@code shuffle}, {@code
 * sample} and {@code choice}. DSPy's optimizers draw with these ({@code Random(0).sample(trainset,
 * k)}), so with the same seed dspy4j picks the same demos as DSPy. Checked against CPython's output
 * for fixed seeds. Not thread-safe: one instance per draw sequence.
 */
public final class PyRandom {

  private static final int N = 624;
  private static final int M = 397;

  private final int[] mt = new int[N];
  private int mti;

  /** {@code random.Random(seed)}. */
  public PyRandom(long seed) {
    this(BigInteger.valueOf(seed));
  }

  /** {@code random.Random(seed)} for a seed of any size (CPython uses its absolute value). */
  public PyRandom(BigInteger seed) {
    BigInteger n = seed.abs();
    var key = new ArrayList<Integer>();
    BigInteger mask = BigInteger.valueOf(0xFFFFFFFFL);
    while (n.signum() > 0) {
      key.add(n.and(mask).intValue());
      n = n.shiftRight(32);
    }
    if (key.isEmpty()) {
      key.add(0);
    }
    initByArray(key);
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (mti = 1; mti < N; mti++) {
      mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }
  }

  private void initByArray(List<Integer> key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    int length = key.size();
    for (int k = Math.max(N, length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key.get(j) + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private int genrand() {
    if (mti >= N) {
      int kk;
      for (kk = 0; kk < N - M; kk++) {
        int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      mti = 0;
    }
    int y = mt[mti++];
    y ^= (y >>> 11);
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= (y >>> 18);
    return y;
  }

  /** {@code random()}: a float in [0, 1) with 53 random bits. */
  public double random() {
    long a = (genrand() & 0xFFFFFFFFL) >>> 5;
    long b = (genrand() & 0xFFFFFFFFL) >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** {@code getrandbits(k)} for {@code 0 <= k <= 32}. */
  private long getrandbits(int k) {
    if (k == 0) {
      return 0;
    }
    return (genrand() & 0xFFFFFFFFL) >>> (32 - k);
  }

  /** {@code _randbelow(n)}: uniform in [0, n), by rejection as CPython draws it. */
  public int randbelow(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative");
    }
    int k = 32 - Integer.numberOfLeadingZeros(n);
    long r = getrandbits(k);
    while (r >= n) {
      r = getrandbits(k);
    }
    return (int) r;
  }

  /** {@code randint(a, b)}: uniform in [a, b]. */
  public int randint(int a, int b) {
    if (b < a) {
      throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
    }
    return a + randbelow(b - a + 1);
  }

  /** {@code shuffle(list)} in place. */
  public <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = randbelow(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  /** {@code sample(population, k)}: {@code k} distinct elements, with CPython's two algorithms. */
  public <T> List<T> sample(List<T> population, int k) {
    int n = population.size();
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("Sample larger than population or is negative");
    }
    var result = new ArrayList<T>(k);
    int setsize = 21;
    if (k > 5) {
      setsize += (int) Math.pow(4, Math.ceil(Math.log(k * 3) / Math.log(4)));
    }
    if (n <= setsize) {
      var pool = new ArrayList<T>(population);
      for (int i = 0; i < k; i++) {
        int j = randbelow(n - i);
        result.add(pool.get(j));
        pool.set(j, pool.get(n - i - 1));
      }
    } else {
      Set<Integer> selected = new HashSet<>();
      for (int i = 0; i < k; i++) {
        int j = randbelow(n);
        while (selected.contains(j)) {
          j = randbelow(n);
        }
        selected.add(j);
        result.add(population.get(j));
      }
    }
    return result;
  }

  /** {@code choice(list)}. */
  public <T> T choice(List<T> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("Cannot choose from an empty sequence");
    }
    return list.get(randbelow(list.size()));
  }
}
