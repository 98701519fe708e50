import FoundationEssentials
import Imaging

/// One file of a study, as listed (relative path, size, modification time).
public struct StudyFile: Sendable, Equatable {
    public var relativePath: String
    public var size: Int64
    public var mtimeNanos: Int64
}

/// One image + mask pair of a study (a phase or sequence).
public struct StudySeries: Sendable, Equatable {
    /// Phase name (`venous`), from the manifest or the file name.
    public var name: String
    /// Absolute paths.
    public var image: String
    public var mask: String
}

/// A study folder found on a watched medium.
public struct LocatedStudy: Sendable, Equatable {
    /// The study folder (absolute).
    public var directory: String
    /// Display name: the folder's name.
    public var name: String
    /// Every regular file below the folder, sorted by relative path (symlinks, hidden files and
    /// `hccedge-results/` are never part of a study).
    public var files: [StudyFile]
    /// `study.json` present.
    public var hasManifest: Bool
    /// The ready marker (default `READY`) present: the copy is complete, no quiet period needed.
    public var hasReadyMarker: Bool
    /// Image + mask pairs found by name (`venous.nii.gz` + `venous_mask.nii.gz` / `venous_seg.nii.gz`); what is
    /// actually read is decided by `Imaging.Study.open` (manifest first).
    public var pairs: [StudySeries]
    /// Sum of the file sizes.
    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }
}

/// Finds studies in a folder. A study is a folder holding `study.json`, or at least one image + mask pair;
/// its sub-folders belong to it. Folders that are not studies are searched down to `maxDepth` levels.
public enum StudyLocator {
    public static let manifestName = "study.json"
    /// Folder names never searched.
    static let skipped: Set<String> = ["hccedge-results", "lost+found", "System Volume Information", "$RECYCLE.BIN"]
    static let imageExtensions = [".nii.gz", ".nii", ".hdr.gz", ".hdr", ".jpeg", ".jpg"]
    static let maskSuffixes = ["_mask", "_seg"]
    /// At most this many files per study (a stick full of unrelated files is not a study).
    public static let maxFiles = 20_000

    /// Every study in or below `folder` (the folder itself may be one), in path order.
    public static func studies(in folder: String, maxDepth: Int = 3, readyMarker: String = "READY") -> [LocatedStudy] {
        var out: [LocatedStudy] = []
        visit(folder, depth: 0, maxDepth: maxDepth, readyMarker: readyMarker, into: &out)
        return out
    }

    /// The study in exactly this folder, nil when the folder is not a study.
    public static func study(at dir: String, readyMarker: String = "READY") -> LocatedStudy? {
        guard let names = try? FS.list(dir) else { return nil }
        return makeStudy(dir, names: names, readyMarker: readyMarker)
    }

    static func visit(_ dir: String, depth: Int, maxDepth: Int, readyMarker: String, into out: inout [LocatedStudy]) {
        guard let names = try? FS.list(dir) else { return }
        if let s = makeStudy(dir, names: names, readyMarker: readyMarker) { out.append(s); return }
        guard depth < maxDepth else { return }
        for n in names where !n.hasPrefix(".") && !skipped.contains(n) {
            let p = FS.join(dir, n)
            if FS.isDirectory(p) { visit(p, depth: depth + 1, maxDepth: maxDepth, readyMarker: readyMarker, into: &out) }
        }
    }

    static func makeStudy(_ dir: String, names: [String], readyMarker: String) -> LocatedStudy? {
        let visible = names.filter { !$0.hasPrefix(".") && !skipped.contains($0) }
        let manifest = FS.info(FS.join(dir, manifestName))?.kind == .file
        let pairs = pairUp(visible, in: dir)
        guard manifest || !pairs.isEmpty else { return nil }
        var files: [StudyFile] = []
        collect(dir, prefix: "", depth: 0, into: &files)
        files.sort { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
        let ready = files.contains { $0.relativePath == readyMarker }
        return LocatedStudy(directory: dir, name: FS.baseName(dir), files: files.filter { $0.relativePath != readyMarker },
                     hasManifest: manifest, hasReadyMarker: ready, pairs: pairs)
    }

    static func collect(_ dir: String, prefix: String, depth: Int, into files: inout [StudyFile]) {
        guard depth <= 4, let names = try? FS.list(dir) else { return }
        for n in names where !n.hasPrefix(".") && !skipped.contains(n) && files.count < maxFiles {
            let p = FS.join(dir, n)
            guard let i = FS.info(p) else { continue }
            switch i.kind {
            case .file: files.append(StudyFile(relativePath: prefix + n, size: i.size, mtimeNanos: i.mtimeNanos))
            case .directory: collect(p, prefix: prefix + n + "/", depth: depth + 1, into: &files)
            case .other: continue
            }
        }
    }

    /// Name pairs, as `Imaging.Study` pairs them: an image `X.nii.gz` (`.nii`, `.hdr(.gz)`, `.jpg`, `.jpeg`) or a
    /// JPEG slice folder `X/`, with a mask `X_mask…` or `X_seg…` in any of those forms → series X.
    static func pairUp(_ names: [String], in dir: String) -> [StudySeries] {
        var stems: [String: String] = [:]
        for n in names {
            if let ext = imageExtensions.first(where: { n.lowercased().hasSuffix($0) }) {
                let stem = String(n.dropLast(ext.count))
                if !stem.isEmpty && stems[stem] == nil { stems[stem] = n }
            } else if FS.isDirectory(FS.join(dir, n)), stems[n] == nil {
                stems[n] = n
            }
        }
        var out: [StudySeries] = []
        for stem in stems.keys.sorted() where !(maskSuffixes + ["_liver"]).contains(where: { stem.hasSuffix($0) }) {
            guard let m = maskSuffixes.compactMap({ stems[stem + $0] }).first else { continue }
            out.append(StudySeries(name: stem, image: FS.join(dir, stems[stem]!), mask: FS.join(dir, m)))
        }
        return out
    }
}
