// sin, cos and fractional powers from +, -, *, / and sqrt alone, which IEEE 754 rounds the same everywhere.
// Math.sin/cos/pow are not specified bit for bit: Node 20's V8 and Chromium's differ in the last bit for some
// arguments, and the RoPE tables computed from them (8 M float32 values for a 128K context) came out a few bytes
// different in the browser's conversion than in the Node exporter's, breaking byte identity. These stay within a
// few units in the last place of double precision, far below the float32 the tables are stored in.
//
// Argument reduction by pi/2 in three 33-bit parts (Cody-Waite) and the minimax polynomials on [-pi/4, pi/4] follow
// fdlibm's k_sin.c / k_cos.c / e_rem_pio2.c constants (Sun Microsystems, 1993).

const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21;

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** Reduction is exact for |x| below this (n · PIO2_1 fits a double); RoPE angles stay far under it. */
const MAX_ARGUMENT = 2 ** 19;

function kernelSin(y: number): number {
  const z = y * y;
  return y + z * y * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
}

function kernelCos(y: number): number {
  const z = y * y;
  return 1 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
}

/** [sin x, cos x] for |x| < 2^19. */
export function sinCos(x: number): [number, number] {
  if (!(Math.abs(x) < MAX_ARGUMENT)) throw new RangeError(`sinCos: ${x} is outside the reduced range`);
  const n = Math.round(x * INV_PIO2);
  // n · PIO2_1 and n · PIO2_2 are exact (33-bit constants, n below 2^19); the first difference is exact too.
  const y = x - n * PIO2_1 - n * PIO2_2 - n * PIO2_3;
  const s = kernelSin(y);
  const c = kernelCos(y);
  switch (((n % 4) + 4) % 4) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}

/**
 * base^q for base > 0 and 0 <= q < 1, from q's binary digits: the product of base^(2^-k) (k square roots) over the
 * digits that are set. Each factor is correctly rounded from the one before, so the result is the same everywhere.
 */
export function powFraction(base: number, q: number): number {
  if (!(base > 0) || !(q >= 0 && q < 1)) throw new RangeError(`powFraction: base ${base}, exponent ${q}`);
  let result = 1;
  let root = base;
  let rest = q;
  for (let k = 1; rest > 0 && k <= 53; k++) {
    root = Math.sqrt(root);
    rest *= 2;
    if (rest >= 1) {
      result *= root;
      rest -= 1;
    }
  }
  return result;
}
