/// Deterministic elementary functions built only from IEEE-754 basic operations (+ − × ÷ √) in a
/// fixed order, so a feature is bit-identical whatever the C library or CPU. libm's `log`, `exp`,
/// `pow`, `cbrt` differ in the last bit between glibc versions and architectures; these do not.
/// Accuracy is a few ulp, far below the 3 significant digits the IBSI compares.
public enum DetMath {
    public static let pi = 3.141592653589793
    public static let ln2 = 0.6931471805599453
    public static let ln10 = 2.302585092994046

    /// Natural logarithm. x = m·2^e with m in [√½, √2); ln m = 2·atanh(s), s = (m−1)/(m+1),
    /// series s + s³/3 + … to s^41 (|s| ≤ 0.172, so the tail is below 1e-32).
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return .infinity }
        var v = x
        var e = 0
        if v.exponentBitPattern == 0 { v *= 0x1p54; e -= 54 }   // subnormal
        e += Int(v.exponentBitPattern) - 1023
        var m = Double(sign: .plus, exponentBitPattern: 1023, significandBitPattern: v.significandBitPattern)
        if m > 1.4142135623730951 { m *= 0.5; e += 1 }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var k = 1.0
        for _ in 0..<21 { sum += term / k; term *= s2; k += 2 }
        return 2 * sum + Double(e) * ln2
    }

    /// Base-2 logarithm (entropy in bits, as IBSI defines entropies).
    public static func log2(_ x: Double) -> Double { log(x) / ln2 }
    /// Base-10 logarithm.
    public static func log10(_ x: Double) -> Double { log(x) / ln10 }

    /// e^x. x = k·ln2 + r with |r| ≤ ln2/2; Taylor series of e^r to r^24, then scaled by 2^k.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x / ln2).rounded(.toNearestOrEven)
        let r = x - k * ln2
        var term = 1.0, sum = 1.0
        for n in 1...24 { term = term * r / Double(n); sum += term }
        return scale2(sum, Int(k))
    }

    /// x · 2^k without libm's ldexp.
    static func scale2(_ x: Double, _ k: Int) -> Double {
        var v = x, n = k
        while n > 1000 { v *= 0x1p1000; n -= 1000 }
        while n < -1000 { v *= 0x1p-1000; n += 1000 }
        return v * Double(sign: .plus, exponentBitPattern: UInt(1023 + n), significandBitPattern: 0)
    }

    /// x^y for x > 0 (and 0^y = 0 for y > 0); integer y uses repeated squaring.
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 { return 1 }
        if x == 0 { return y > 0 ? 0 : .infinity }
        if y == y.rounded(), abs(y) <= 64 {
            var n = Int(abs(y)), b = x, r = 1.0
            while n > 0 { if n & 1 == 1 { r *= b }; b *= b; n >>= 1 }
            return y < 0 ? 1 / r : r
        }
        if x < 0 { return .nan }
        return exp(y * log(x))
    }

    /// Real cube root, refined by two Newton steps so it is exact for perfect cubes.
    public static func cbrt(_ x: Double) -> Double {
        if x == 0 || x.isNaN || x.isInfinite { return x }
        let a = abs(x)
        var r = exp(log(a) / 3)
        for _ in 0..<2 { r = r - (r * r * r - a) / (3 * r * r) }
        return x < 0 ? -r : r
    }

    /// Square root (IEEE-754 correctly rounded on every platform).
    @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
}
