import Testing
import Imaging
@testable import Radiomics

/// Preprocessing and discretisation: hand-worked cases from the IBSI definitions, and the CT phantom's
/// resampled ROI volume against the IBSI table (approximate volume = voxel count × voxel volume).
@Suite struct PreprocessingTests {
    // MARK: outside values — IBSI reference table

    /// morph.approx.vol (YEKZ) of configs A–E = morphological-mask voxel count × voxel volume, which
    /// checks the resampled grid, the mask interpolation and the 0.5 partial-volume threshold.
    @Test("resampled ROI volume matches morph.approx.vol", arguments: ["config A", "config B", "config C", "config D", "config E"])
    func approximateVolume(_ dataSet: String) throws {
        let row = try #require(ReferenceRow.rows(dataSet: dataSet).first { $0.tag == "morph.approx.vol" })
        let input = try Ingest.load(imagePath: SharedData.ctPhantom.0, maskPath: SharedData.ctPhantom.1, marginMM: 10)
        let settings = try #require(ExtractionSettings.presets[ComputedFeatures.presets[dataSet]!])
        let region = try Preprocessing.prepare(input, settings: settings)
        let count = region.morphMask.reduce(0) { $0 + Int($1) }
        let volume = Double(count) * region.spacing.voxelVolume
        #expect(row.matches(volume), "\(count) voxels × \(region.spacing.voxelVolume) mm³ = \(volume), reference \(row.value) ± \(row.tolerance)")
    }

    // MARK: grid alignment (IBSI: grid centres aligned)

    /// A row of 3 voxels at 1 mm resampled to 2 mm: n′ = ⌈3·1/2⌉ = 2 voxels, centres at old index
    /// o = (3−1)/2 − (2−1)·2/2 = 0 and 0 + 2 = 2, so the new centres are those of old voxels 0 and 2
    /// (the grid's centre, old index 1, stays put). Linear interpolation thus returns the old values.
    @Test func gridAlignmentOfThreeVoxelRow() throws {
        let ax = ResampledAxis(oldCount: 3, oldSpacing: 1, newSpacing: 2)
        #expect(ax.count == 2)
        #expect(ax.position(0) == 0)
        #expect(ax.position(1) == 2)
        let g = Geometry(dims: Dims(3, 1, 1), spacing: Spacing(1, 1, 1))
        let input = ImageWithMask(image: Volume(geometry: g, voxels: [10, 20, 40]), mask: Mask(geometry: g, voxels: [1, 1, 1]))
        var s = ExtractionSettings(name: "t", resampleSpacing: [2, 1, 1], discretisation: .none)
        s.resegmentLower = nil
        let r = try Preprocessing.prepare(input, settings: s)
        #expect(r.dims == Dims(2, 1, 1))
        #expect(r.intensities == [10, 40])
        #expect(r.morphMask == [1, 1])
    }

    /// 4 voxels at 1 mm → 3 mm: n′ = ⌈4/3⌉ = 2, o = 1.5 − 0.5·3 = 0 → positions 0 and 3 (old centres 0 and 3).
    /// 4 voxels at 1 mm → 1.5 mm: n′ = ⌈4/1.5⌉ = 3, o = 1.5 − 1·1.5 = 0 → positions 0, 1.5, 3;
    /// values 0, 10, 30, 60 give 0, (10+30)/2 = 20, 60.
    @Test func gridAlignmentFractional() throws {
        let a = ResampledAxis(oldCount: 4, oldSpacing: 1, newSpacing: 3)
        #expect(a.count == 2 && a.position(0) == 0 && a.position(1) == 3)
        let g = Geometry(dims: Dims(4, 1, 1), spacing: Spacing(1, 1, 1))
        let input = ImageWithMask(image: Volume(geometry: g, voxels: [0, 10, 30, 60]), mask: Mask(geometry: g, voxels: [1, 1, 1, 1]))
        let s = ExtractionSettings(name: "t", resampleSpacing: [1.5, 1, 1], discretisation: .none)
        let r = try Preprocessing.prepare(input, settings: s)
        #expect(r.intensities == [0, 20, 60])
    }

    /// A cubic B-spline interpolant reproduces cubic polynomials exactly (Unser 1999): prefilter
    /// f(i) = i³ − 2i on 60 samples, evaluate between samples far from the ends.
    @Test func cubicSplineReproducesCubics() {
        let n = 60
        var c = (0..<n).map { i -> Double in let x = Double(i); return x * x * x - 2 * x }
        Interpolator.prefilterLine(&c, start: 0, stride: 1, count: n)
        for p in [25.3, 30.5, 31.99, 34.0] {
            let tap = Interpolator.cubicTap(p, n: n)
            var v = 0.0
            for m in 0..<4 { v += tap.weights[m] * c[tap.indices[m]] }
            let expected = p * p * p - 2 * p
            #expect(abs(v - expected) < 1e-6 * expected, "at \(p): \(v) vs \(expected)")
        }
    }

    /// Mask partial-volume threshold 0.5: a 1-voxel-wide mask edge resampled half a voxel away gives 0.5 → kept.
    @Test func maskPartialVolumeThreshold() throws {
        // 2 voxels at 1 mm → 1 mm grid is identity; use 4 voxels at 1 mm → 2 mm: positions 0.5 and 2.5
        // (o = 1.5 − 0.5·2 = 0.5). Mask [0,1,0,0]: position 0.5 → 0.5 (kept), 2.5 → 0 (dropped).
        let g = Geometry(dims: Dims(4, 1, 1), spacing: Spacing(1, 1, 1))
        let input = ImageWithMask(image: Volume(geometry: g, voxels: [1, 3, 5, 7]), mask: Mask(geometry: g, voxels: [0, 1, 0, 0]))
        let s = ExtractionSettings(name: "t", resampleSpacing: [2, 1, 1], discretisation: .none)
        let r = try Preprocessing.prepare(input, settings: s)
        #expect(r.morphMask == [1, 0])
        #expect(r.intensities == [2, 6])   // (1+3)/2, (5+7)/2
    }

    // MARK: re-segmentation

    /// Range [2, 8] then mean ± 1σ of the ROI {0, 2, 4, 6, 8, 10}: μ = 5, σ² = (25+9+1+1+9+25)/6 = 70/6,
    /// σ ≈ 3.416 → [1.58, 8.42]; with the range → kept {2, 4, 6, 8}.
    @Test func resegmentationRangeAndSigma() throws {
        let g = Geometry(dims: Dims(6, 1, 1), spacing: Spacing(1, 1, 1))
        let input = ImageWithMask(image: Volume(geometry: g, voxels: [0, 2, 4, 6, 8, 10]), mask: Mask(geometry: g, voxels: [1, 1, 1, 1, 1, 1]))
        let s = ExtractionSettings(name: "t", resegmentLower: 2, resegmentUpper: 8, outlierSigma: 1, discretisation: .none)
        let r = try Preprocessing.prepare(input, settings: s)
        #expect(r.intensityMask == [0, 1, 1, 1, 1, 0])
        #expect(r.morphMask == [1, 1, 1, 1, 1, 1])
        let s2 = ExtractionSettings(name: "t", outlierSigma: 1, discretisation: .none)
        #expect(try Preprocessing.prepare(input, settings: s2).intensityMask == [0, 1, 1, 1, 1, 0])
    }

    // MARK: discretisation (IBSI "Discretisation")

    /// FBN, Ng = 4 on X = {−10, 0, 5, 10, 30}: X_min = −10, X_max = 30, ⌊4(X+10)/40⌋ + 1 = 1, 2, 2, 3, 5→4.
    @Test func fixedBinNumber() throws {
        let r = region([-10, 0, 5, 10, 30])
        let s = ExtractionSettings(name: "t", discretisation: .fixedBinNumber, binSize: nil, binNumber: 4)
        let gl = try Discretiser.greyLevels(r, settings: s)
        #expect(gl.levels == [1, 2, 2, 3, 4])
        #expect(gl.count == 4)
    }

    /// FBS, w = 25 from X_min = −500 on X = {−500, −476, −475, 0, 24.9→25 (integer 25), 400}:
    /// ⌊(X+500)/25⌋ + 1 = 1, 1, 2, 21, 22, 37; Ng = 37 (highest level present).
    @Test func fixedBinSize() throws {
        let r = region([-500, -476, -475, 0, 25, 400])
        let s = ExtractionSettings(name: "t", resegmentLower: -500, resegmentUpper: 400, discretisation: .fixedBinSize, binSize: 25)
        let gl = try Discretiser.greyLevels(r, settings: s)
        #expect(gl.levels == [1, 1, 2, 21, 22, 37])
        #expect(gl.count == 37)
    }

    /// FBS with a non-integer width w = 2.5 (IVH config C) from −1000: X = −1000, −998, −997, −995 →
    /// ⌊(X+1000)/2.5⌋ + 1 = 1, 1, 2, 3.
    @Test func fixedBinSizeFractionalWidth() throws {
        let m = try Discretiser.levelMap(.fixedBinSize, binSize: 2.5, binNumber: nil, lowerBound: -1000, unit: 1, roiMin: -1000, roiMax: 0)
        #expect([-1000, -998, -997, -995].map { m.level($0) } == [1, 1, 2, 3])
    }

    // MARK: bad input → a clear error, never a trap or a huge allocation

    @Test func badInputIsRejected() throws {
        let g = Geometry(dims: Dims(3, 1, 1), spacing: Spacing(1, 1, 1))
        let img = Volume(geometry: g, voxels: [1, 2, 3])
        let empty = ImageWithMask(image: img, mask: Mask(geometry: g, voxels: [0, 0, 0]))
        let full = ImageWithMask(image: img, mask: Mask(geometry: g, voxels: [1, 1, 1]))
        let plain = ExtractionSettings(name: "t", discretisation: .none)
        #expect(throws: PreprocessError.self) { try Preprocessing.prepare(empty, settings: plain) }
        var neg = plain; neg.resampleSpacing = [-1, 1, 1]
        #expect(throws: PreprocessError.self) { try Preprocessing.prepare(full, settings: neg) }
        var tiny = plain; tiny.resampleSpacing = [1e-9, 1e-9, 1e-9]
        #expect(throws: PreprocessError.self) { try Preprocessing.prepare(full, settings: tiny) }
        var range = plain; range.resegmentLower = 10
        #expect(throws: PreprocessError.self) { try Preprocessing.prepare(full, settings: range) }
        let r = region([0, 1_000_000_000])
        let fbs = ExtractionSettings(name: "t", discretisation: .fixedBinSize, binSize: 1e-6)
        #expect(throws: PreprocessError.self) { try Discretiser.greyLevels(r, settings: fbs) }
        #expect(throws: PreprocessError.self) { try Discretiser.greyLevels(r, settings: plain) }   // 0 is not a grey level
    }

    func region(_ v: [Int32]) -> Region {
        Region(dims: Dims(v.count, 1, 1), spacing: Spacing(1, 1, 1), intensities: v, unit: 1,
               morphMask: [UInt8](repeating: 1, count: v.count), intensityMask: [UInt8](repeating: 1, count: v.count))
    }
}

/// A crop read (ROI box + `requiredMarginMM`, with its file offset and the file's dims, as the bounded-memory reader gives)
/// preprocesses to the same region as the whole file: the grid is aligned on the file, not on the crop.
@Suite struct CropInvarianceTests {
    @Test(arguments: ["ibsi-ct-a", "ibsi-ct-b", "ibsi-ct-c", "ibsi-ct-d", "ibsi-ct-e"])
    func cropMatchesWholeFile(_ preset: String) throws {
        // A margin of 1000 mm makes the reader return the whole file (offset 0, file dims).
        let whole = try Ingest.load(imagePath: SharedData.ctPhantom.0, maskPath: SharedData.ctPhantom.1, marginMM: 1000)
        let s = try #require(ExtractionSettings.presets[preset])
        let d = whole.image.dims, sp = whole.image.spacing
        let roi = try #require(whole.mask.boundingBox)
        let mm = Preprocessing.requiredMarginMM(settings: s, spacing: sp)
        let box = roi.expanded(by: (Int((mm / sp.x).rounded(.up)), Int((mm / sp.y).rounded(.up)), Int((mm / sp.z).rounded(.up))), within: d)
        let bd = box.dims
        var iv = [Int32](repeating: 0, count: bd.count), mv = [UInt8](repeating: 0, count: bd.count)
        for k in 0..<bd.z { for j in 0..<bd.y { for i in 0..<bd.x {
            let n = d.index(box.lower.x + i, box.lower.y + j, box.lower.z + k)
            iv[bd.index(i, j, k)] = whole.image.voxels[n]; mv[bd.index(i, j, k)] = whole.mask.voxels[n]
        } } }
        let g = Geometry(dims: bd, spacing: sp)
        let off = (box.lower.x, box.lower.y, box.lower.z)
        let crop = ImageWithMask(image: Volume(geometry: g, voxels: iv, offsetInFile: off),
                                 mask: Mask(geometry: g, voxels: mv, offsetInFile: off), fileDims: d)
        let a = try Preprocessing.prepare(whole, settings: s), b = try Preprocessing.prepare(crop, settings: s)
        #expect(a.dims == b.dims)
        let differing = zip(a.intensities, b.intensities).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) voxels differ")
        #expect(a.morphMask == b.morphMask)
        #expect(a.intensityMask == b.intensityMask)
    }
}
