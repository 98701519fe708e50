import Imaging

extension SpatialAutocorrelation {
    typealias D4 = SIMD4<Double>
    typealias D2 = SIMD2<Double>

    /// Memory (bytes) for the row transforms the spectral evaluation keeps at once. A larger ROI is processed in
    /// several blocks of frequency columns, each transforming the rows again: slower, same result bit for bit.
    /// 8 MB keeps a 10 cm tumour at 0.75 × 0.75 × 2.5 mm (256² padded slices × 37) in three blocks.
    public static let spectralRowBudget = 8 << 20

    /// Σw, Σ w·yᵢyⱼ and Σ w·yᵢ²·mⱼ slice-wise in the 2-D Fourier domain (see the type's comment). Slices are
    /// packed two real signals per complex FFT: Z_k = y_k + i·m_k, W_q = y²_{2q} + i·y²_{2q+1}, and the in-plane
    /// kernels K_d + i·K_{d+1}. Each 2-D transform is the row (x) transforms, then the column (y) transforms.
    ///
    /// Memory is bounded without changing a single operation: only rows that hold ROI voxels (or kernel values)
    /// are row-transformed and kept, and only at the frequency columns of the current block (an all-zero row's
    /// transform is one shared row). A column and its mirror (−f) are then transformed for every slice, the
    /// per-frequency quadratic forms over slice pairs are evaluated on the column (the mirror's are the same
    /// numbers bit for bit), and all contributions are added in row-major frequency order at the end — the same
    /// arithmetic as transforming whole grids. Quadratic forms run on four frequencies at once (SIMD lanes).
    /// `at`: the voxel number (index into `values`) at each position of the ROI box of size `ext`, x fastest,
    /// −1 outside the ROI.
    static func spectral(at: [Int32], values: [Int32], mu: Double, ext: (Int, Int, Int), plane: (Int, Int),
                         spacing: Spacing, rowBudget: Int = spectralRowBudget) -> (w: Double, yy: Double, y2m: Double) {
        let (gx, gy) = plane, g = gx * gy, nz = ext.2, pairs = (nz + 1) / 2, ex = ext.0, ey = ext.1
        // Kept rows: Z (slice k, row j), W (pair q, row j), then the kernels (pair q, row offset dj), all of those.
        var zRow = [Int](repeating: -1, count: nz * ey), wRow = [Int](repeating: -1, count: pairs * ey)
        var rows = 0
        for r in 0..<(nz * ey) {
            var any = false
            for i in 0..<ex where at[r * ex + i] >= 0 { any = true; break }
            if any { zRow[r] = rows; rows += 1 }
        }
        for q in 0..<pairs { for j in 0..<ey where zRow[2 * q * ey + j] >= 0 || (2 * q + 1 < nz && zRow[(2 * q + 1) * ey + j] >= 0) {
            wRow[q * ey + j] = rows; rows += 1
        } }
        let kBase = rows
        rows += pairs * ey
        // Column pairs (f, −f mod gx), f = 0 … gx/2, in blocks that fit the budget.
        let columnPairs = gx / 2 + 1
        let perBlock = max(1, rowBudget / (16 * max(1, rows)) / 2)
        let xPlan = FFT.Plan(gx), yPlan = FFT.Plan(gy)
        let maxSlots = min(gx, 2 * perBlock)
        let store = UnsafeMutablePointer<Double>.allocate(capacity: 2 * rows * maxSlots)
        let rowBuf = UnsafeMutablePointer<Double>.allocate(capacity: 4 * gx)   // one row (re, im) + the zero row
        let sides = 2, colCount = nz + 2 * pairs                               // Z columns, W columns, K columns
        let cols = UnsafeMutablePointer<Double>.allocate(capacity: 2 * sides * colCount * gy)
        let buf = UnsafeMutablePointer<D4>.allocate(capacity: 7 * nz)
        let contrib = UnsafeMutablePointer<Double>.allocate(capacity: 3 * g)   // (w, yy, y²m) per frequency
        let pair = UnsafeMutablePointer<D2>.allocate(capacity: 2 * max(gx, gy))  // two signals (re, im), interleaved
        defer { store.deallocate(); rowBuf.deallocate(); cols.deallocate(); buf.deallocate(); contrib.deallocate(); pair.deallocate() }
        let storeIm = store + rows * maxSlots
        let tr = rowBuf, ti = rowBuf + gx, zeroR = rowBuf + 2 * gx, zeroI = rowBuf + 3 * gx
        // The row transform of an all-zero row.
        zeroR.initialize(repeating: 0, count: 2 * gx)
        if gx >= 2 { xPlan.withTables { FFT.Plan.run(gx, zeroR, zeroI, $0, $1, $2) } }
        // |offset| along an axis of side `side` for grid coordinate c (circular), −1 beyond the ROI extent.
        func offset(_ c: Int, _ side: Int, _ extent: Int) -> Int { c < extent ? c : (side - c < extent ? side - c : -1) }
        func weight(_ d: Int, _ dj: Int, _ di: Int) -> Double {
            if d + dj + di == 0 { return 0 }
            let dx = Double(di) * spacing.x, dy = Double(dj) * spacing.y, dz = Double(d) * spacing.z
            return 1 / (dx * dx + dy * dy + dz * dz).squareRoot()
        }
        var slot = [Int](repeating: -1, count: gx), blockColumns: [Int] = []
        // Kept row of each (column signal t, grid row j), −1 for an all-zero row: Z_k, then W_q, then the kernels.
        let columnRows = UnsafeMutablePointer<Int>.allocate(capacity: colCount * gy)
        defer { columnRows.deallocate() }
        for t in 0..<colCount { for j in 0..<gy {
            var id = -1
            if t < nz { if j < ey { id = zRow[t * ey + j] } }
            else if t < nz + pairs { if j < ey { id = wRow[(t - nz) * ey + j] } }
            else { let dj = offset(j, gy, ey); if dj >= 0 { id = kBase + (t - nz - pairs) * ey + dj } }
            columnRows[t * gy + j] = id
        } }
        let yr = buf, yi = buf + nz, mr = buf + 2 * nz, mi = buf + 3 * nz, qr = buf + 4 * nz, qi = buf + 5 * nz, kk = buf + 6 * nz

        var f0 = 0
        while f0 < columnPairs {
            let f1 = min(columnPairs, f0 + perBlock)
            // Slots of this block's columns.
            for c in 0..<gx { slot[c] = -1 }
            blockColumns.removeAll(keepingCapacity: true)
            for f in f0..<f1 {
                for c in [f, (gx - f) % gx] where slot[c] < 0 { slot[c] = blockColumns.count; blockColumns.append(c) }
            }
            // Row transforms, kept at this block's columns (column-major: a column's rows are contiguous).
            // Rows are transformed two at a time (SIMD lanes); an odd last row alone.
            var pendingID = -1
            func put(_ re: (Int) -> Double, _ im: (Int) -> Double, _ id: Int) {
                for (sl, c) in blockColumns.enumerated() { store[sl * rows + id] = re(c); storeIm[sl * rows + id] = im(c) }
            }
            func keep(_ id: Int) {
                if gx < 2 { put({ tr[$0] }, { ti[$0] }, id); return }
                if pendingID < 0 {
                    for i in 0..<gx { pair[i] = D2(tr[i], 0); pair[gx + i] = D2(ti[i], 0) }
                    pendingID = id
                    return
                }
                for i in 0..<gx { pair[i][1] = tr[i]; pair[gx + i][1] = ti[i] }
                xPlan.withTables { FFT.Plan.run(gx, pair, pair + gx, $0, $1, $2) }
                put({ pair[$0][0] }, { pair[gx + $0][0] }, pendingID)
                put({ pair[$0][1] }, { pair[gx + $0][1] }, id)
                pendingID = -1
            }
            func flush() {
                guard pendingID >= 0 else { return }
                for i in 0..<gx { tr[i] = pair[i][0]; ti[i] = pair[gx + i][0] }
                xPlan.withTables { FFT.Plan.run(gx, tr, ti, $0, $1, $2) }
                put({ tr[$0] }, { ti[$0] }, pendingID)
                pendingID = -1
            }
            for k in 0..<nz { for j in 0..<ey where zRow[k * ey + j] >= 0 {
                tr.initialize(repeating: 0, count: 2 * gx)
                for i in 0..<ex { let n = Int(at[(k * ey + j) * ex + i]); if n >= 0 { tr[i] = Double(values[n]) - mu; ti[i] = 1 } }
                keep(zRow[k * ey + j])
            } }
            for q in 0..<pairs { for j in 0..<ey where wRow[q * ey + j] >= 0 {
                tr.initialize(repeating: 0, count: 2 * gx)
                for h in 0..<2 where 2 * q + h < nz {
                    let row = ((2 * q + h) * ey + j) * ex, part = h == 0 ? tr : ti
                    for i in 0..<ex { let n = Int(at[row + i]); if n >= 0 { let y = Double(values[n]) - mu; part[i] = y * y } }
                }
                keep(wRow[q * ey + j])
            } }
            for q in 0..<pairs { for dj in 0..<ey {
                tr.initialize(repeating: 0, count: 2 * gx)
                for i in 0..<gx {
                    let di = offset(i, gx, ex)
                    if di < 0 { continue }
                    tr[i] = weight(2 * q, dj, di)
                    if 2 * q + 1 < nz { ti[i] = weight(2 * q + 1, dj, di) }
                }
                keep(kBase + q * ey + dj)
            } }
            flush()
            // Column transforms (one column and its mirror), then the quadratic forms per frequency.
            for f in f0..<f1 {
                let fm = (gx - f) % gx
                let colsOfPair = fm == f ? [f] : [f, fm]
                for (side, c) in colsOfPair.enumerated() {
                    let s = slot[c]
                    for t in 0..<colCount {
                        let re = cols + ((side * colCount + t) * 2) * gy, im = re + gy
                        let ids = columnRows + t * gy, sr = store + s * rows, si = storeIm + s * rows
                        for j in 0..<gy {
                            let id = ids[j]
                            if id >= 0 { re[j] = sr[id]; im[j] = si[id] } else { re[j] = zeroR[c]; im[j] = zeroI[c] }
                        }
                    }
                    // Column transforms two at a time (SIMD lanes); an odd last one alone.
                    guard gy >= 2 else { continue }
                    var t = 0
                    while t < colCount {
                        let re0 = cols + ((side * colCount + t) * 2) * gy, im0 = re0 + gy
                        if t + 1 == colCount {
                            yPlan.withTables { FFT.Plan.run(gy, re0, im0, $0, $1, $2) }
                        } else {
                            let re1 = re0 + 2 * gy, im1 = re1 + gy
                            for j in 0..<gy { pair[j] = D2(re0[j], re1[j]); pair[gy + j] = D2(im0[j], im1[j]) }
                            yPlan.withTables { FFT.Plan.run(gy, pair, pair + gy, $0, $1, $2) }
                            for j in 0..<gy { re0[j] = pair[j][0]; re1[j] = pair[j][1]; im0[j] = pair[gy + j][0]; im1[j] = pair[gy + j][1] }
                        }
                        t += 2
                    }
                }
                for side in 0..<colsOfPair.count {
                    let c = colsOfPair[side], mside = colsOfPair.count == 1 ? 0 : 1 - side
                    if side == 1 {
                        // Frequency (fy, −f) mirrors (−fy, f): its unpacked terms are the same numbers with the
                        // imaginary parts negated (IEEE + is commutative, x − y = −(y − x)), so every product in the
                        // quadratic forms — and the contribution — is bit for bit the one already computed.
                        for fy in 0..<gy {
                            let a = fy * gx + c, b = ((gy - fy) % gy) * gx + colsOfPair[0]
                            contrib[3 * a] = contrib[3 * b]; contrib[3 * a + 1] = contrib[3 * b + 1]
                            contrib[3 * a + 2] = contrib[3 * b + 2]
                        }
                        continue
                    }
                    func col(_ sd: Int, _ t: Int) -> UnsafeMutablePointer<Double> { cols + ((sd * colCount + t) * 2) * gy }
                    // Four frequencies at a time, one per SIMD lane (each lane's operations are the scalar ones);
                    // fewer than four rows repeat the last one.
                    var fy = 0
                    while fy < gy {
                        let fys = SIMD4<Int>(fy, min(fy + 1, gy - 1), min(fy + 2, gy - 1), min(fy + 3, gy - 1))
                        let mys = SIMD4<Int>((gy - fys[0]) % gy, (gy - fys[1]) % gy, (gy - fys[2]) % gy, (gy - fys[3]) % gy)
                        func at(_ p: UnsafeMutablePointer<Double>, _ i: SIMD4<Int>) -> D4 { D4(p[i[0]], p[i[1]], p[i[2]], p[i[3]]) }
                        var k = 0
                        while k < nz {
                            let za = col(side, k), zb = col(mside, k)
                            let zar = at(za, fys), zai = at(za + gy, fys), zbr = at(zb, mys), zbi = at(zb + gy, mys)
                            yr[k] = (zar + zbr) / 2; yi[k] = (zai - zbi) / 2
                            mr[k] = (zai + zbi) / 2; mi[k] = (zbr - zar) / 2
                            let wa = col(side, nz + k / 2), wb = col(mside, nz + k / 2)
                            let war = at(wa, fys), wai = at(wa + gy, fys), wbr = at(wb, mys), wbi = at(wb + gy, mys)
                            if k % 2 == 0 { qr[k] = (war + wbr) / 2; qi[k] = (wai - wbi) / 2 }
                            else { qr[k] = (wai + wbi) / 2; qi[k] = (wbr - war) / 2 }
                            let ka = col(side, nz + pairs + k / 2), kb = col(mside, nz + pairs + k / 2)
                            kk[k] = k % 2 == 0 ? (at(ka, fys) + at(kb, mys)) / 2 : (at(ka + gy, fys) + at(kb + gy, mys)) / 2
                            k += 1
                        }
                        var fw = D4(), fyy = D4(), fy2 = D4()
                        let two = D4(repeating: 2)
                        k = 0
                        while k < nz {
                            // Same slice (d = 0), then each pair k < k' twice (K̂_d is even in d).
                            let k0 = kk[0]
                            let m0: D4 = mr[k] * mr[k] + mi[k] * mi[k]
                            let y0: D4 = yr[k] * yr[k] + yi[k] * yi[k]
                            let q0: D4 = qr[k] * mr[k] + qi[k] * mi[k]
                            fw += k0 * m0
                            fyy += k0 * y0
                            fy2 += k0 * q0
                            var k2 = k + 1
                            while k2 < nz {
                                let kd = kk[k2 - k], kd2: D4 = two * kd
                                let mm: D4 = mr[k] * mr[k2] + mi[k] * mi[k2]
                                let yy: D4 = yr[k] * yr[k2] + yi[k] * yi[k2]
                                let q1: D4 = qr[k] * mr[k2] + qi[k] * mi[k2]
                                let q2: D4 = q1 + qr[k2] * mr[k]
                                let qm: D4 = q2 + qi[k2] * mi[k]
                                fw += kd2 * mm
                                fyy += kd2 * yy
                                fy2 += kd * qm
                                k2 += 1
                            }
                            k += 1
                        }
                        for l in 0..<min(4, gy - fy) {
                            let a = (fy + l) * gx + c
                            contrib[3 * a] = fw[l]; contrib[3 * a + 1] = fyy[l]; contrib[3 * a + 2] = fy2[l]
                        }
                        fy += 4
                    }
                }
            }
            f0 = f1
        }
        var sw = 0.0, syy = 0.0, sy2 = 0.0
        for a in 0..<g { sw += contrib[3 * a]; syy += contrib[3 * a + 1]; sy2 += contrib[3 * a + 2] }
        let scale = Double(g)
        return (sw / scale, syy / scale, sy2 / scale)
    }
}
