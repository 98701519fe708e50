import Imaging

/// What the overlay shows: one axial slice of the ROI crop with the tumour and the ring.
struct OverlayInput: Sendable {
    var image: Volume
    var tumour: Mask
    var ring: Mask
    var modality: String
    /// Slice index within the crop.
    var slice: Int
}

/// Draws `overlay.jpg`: the axial slice with the largest tumour area (zoomed to the ROI crop), windowed for the
/// modality (CT: W 400 / L 50 HU; MR: 1st–99th percentile of the slice), tumour contour in red, peritumoral ring
/// contour in yellow, a 1 cm scale bar, and the answer in one line. Pixels are in grid order (x right, y down).
enum Overlay {
    static func render(_ o: OverlayInput, answer: String, to path: String) throws {
        let d = o.image.dims
        let k = min(max(0, o.slice), d.z - 1)
        let w = d.x, h = d.y
        var values = [Double](repeating: 0, count: w * h)
        for j in 0..<h { for i in 0..<w { values[j * w + i] = Double(o.image[i, j, k]) * o.image.unit } }
        let (lo, hi): (Double, Double)
        if o.modality.uppercased() == "CT" { (lo, hi) = (50 - 200, 50 + 200) } else {
            let s = values.sorted()
            (lo, hi) = (s[s.count / 100], s[max(0, s.count - 1 - s.count / 100)])
        }
        let f = max(1, min(8, 480 / max(1, max(w, h))))
        let textScale = answer.count * 12 + 8 <= max(w * f, 1024) ? 2 : 1
        let band = 10 + 7 * textScale
        let W = max(w * f, answer.count * 6 * textScale + 8), H = h * f + band
        var rgb = [UInt8](repeating: 0, count: W * H * 3)
        func put(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard x >= 0, y >= 0, x < W, y < H else { return }
            let n = (y * W + x) * 3
            rgb[n] = c.0; rgb[n + 1] = c.1; rgb[n + 2] = c.2
        }
        func inside(_ m: Mask, _ X: Int, _ Y: Int) -> Bool {
            let i = X / f, j = Y / f
            guard X >= 0, Y >= 0, i < w, j < h else { return false }
            return m[i, j, k]
        }
        for Y in 0..<(h * f) { for X in 0..<(w * f) {
            let v = values[(Y / f) * w + X / f]
            let g = UInt8(max(0, min(255, ((v - lo) / max(1e-9, hi - lo) * 255).rounded())))
            put(X, Y, (g, g, g))
        } }
        for (m, colour) in [(o.ring, (UInt8(255), UInt8(215), UInt8(0))), (o.tumour, (UInt8(255), UInt8(40), UInt8(40)))] {
            for Y in 0..<(h * f) { for X in 0..<(w * f) where inside(m, X, Y) {
                if !inside(m, X - 1, Y) || !inside(m, X + 1, Y) || !inside(m, X, Y - 1) || !inside(m, X, Y + 1) { put(X, Y, colour) }
            } }
        }
        // 1 cm scale bar, bottom left of the image area.
        let bar = Int((10 / o.image.spacing.x * Double(f)).rounded())
        let by = h * f - 8
        for x in 6..<(6 + bar) { put(x, by, (255, 255, 255)); put(x, by + 1, (255, 255, 255)) }
        for y in (by - 4)...(by + 1) { put(6, y, (255, 255, 255)); put(5 + bar, y, (255, 255, 255)) }
        BitmapFont.draw("1 CM", x: 8 + bar, y: by - 6, scale: 1, into: &rgb, width: W, height: H)
        BitmapFont.draw(answer, x: 4, y: h * f + 5, scale: textScale, into: &rgb, width: W, height: H)
        try JPEGWriter.write(rgb: rgb, width: W, height: H, path: path, quality: 90)
    }
}

/// A 5×7 bitmap font (upper case, digits, a little punctuation) for one line of text on the overlay.
enum BitmapFont {
    static let glyphs: [Character: [UInt8]] = [
        "A": [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11], "B": [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        "C": [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E], "D": [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        "E": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F], "F": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        "G": [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F], "H": [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        "I": [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E], "J": [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        "K": [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11], "L": [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        "M": [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11], "N": [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        "O": [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E], "P": [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        "Q": [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D], "R": [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        "S": [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E], "T": [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        "U": [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E], "V": [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        "W": [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A], "X": [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        "Y": [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04], "Z": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        "0": [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E], "1": [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        "2": [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F], "3": [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        "4": [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02], "5": [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        "6": [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E], "7": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        "8": [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E], "9": [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        "-": [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00], ".": [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        ":": [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00], "=": [0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00],
        "/": [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00], "(": [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ")": [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08], ",": [0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08],
        "_": [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F], " ": [0, 0, 0, 0, 0, 0, 0],
    ]

    /// Draws `text` (upper-cased; unknown characters as '?'-less blanks) in white; returns nothing, clips at the edge.
    static func draw(_ text: String, x: Int, y: Int, scale: Int, into rgb: inout [UInt8], width: Int, height: Int) {
        var cx = x
        for ch in text.uppercased() {
            let g = glyphs[ch] ?? glyphs[" "]!
            for (row, bits) in g.enumerated() { for col in 0..<5 where bits & (0x10 >> UInt8(col)) != 0 {
                for dy in 0..<scale { for dx in 0..<scale {
                    let px = cx + col * scale + dx, py = y + row * scale + dy
                    guard px >= 0, py >= 0, px < width, py < height else { continue }
                    let n = (py * width + px) * 3
                    rgb[n] = 255; rgb[n + 1] = 255; rgb[n + 2] = 255
                } }
            } }
            cx += 6 * scale
        }
    }
}
