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
public struct Study: Sendable, Equatable {
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
    /// Image + mask pairs found by name (`venous.nii.gz` + `venous_mask.nii.gz` / `venous_seg.nii.gz`).
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
    static let imageExtensions = [".nii.gz", ".nii"]
    static let maskSuffixes = ["_mask", "_seg"]
    /// At most this many files per study (a stick full of unrelated files is not a study).
    public static let maxFiles = 20_000

    /// Every study in or below `folder` (the folder itself may be one), in path order.
    public static func studies(in folder: String, maxDepth: Int = 3, readyMarker: String = "READY") -> [Study] {
        var out: [Study] = []
        visit(folder, depth: 0, maxDepth: maxDepth, readyMarker: readyMarker, into: &out)
        return out
    }

    /// The study in exactly this folder, nil when the folder is not a study.
    public static func study(at dir: String, readyMarker: String = "READY") -> Study? {
        guard let names = try? FS.list(dir) else { return nil }
        return makeStudy(dir, names: names, readyMarker: readyMarker)
    }

    static func visit(_ dir: String, depth: Int, maxDepth: Int, readyMarker: String, into out: inout [Study]) {
        guard let names = try? FS.list(dir) else { return }
        if let s = makeStudy(dir, names: names, readyMarker: readyMarker) { out.append(s); return }
        guard depth < maxDepth else { return }
        for n in names where !n.hasPrefix(".") && !skipped.contains(n) {
            let p = FS.join(dir, n)
            if FS.isDirectory(p) { visit(p, depth: depth + 1, maxDepth: maxDepth, readyMarker: readyMarker, into: &out) }
        }
    }

    static func makeStudy(_ dir: String, names: [String], readyMarker: String) -> Study? {
        let fileNames = names.filter { !$0.hasPrefix(".") && FS.info(FS.join(dir, $0))?.kind == .file }
        let manifest = fileNames.contains(manifestName)
        let pairs = pairUp(fileNames, in: dir)
        guard manifest || !pairs.isEmpty else { return nil }
        var files: [StudyFile] = []
        collect(dir, prefix: "", depth: 0, into: &files)
        files.sort { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
        let ready = files.contains { $0.relativePath == readyMarker }
        return Study(directory: dir, name: FS.baseName(dir), files: files.filter { $0.relativePath != readyMarker },
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

    /// `X.nii.gz` + `X_mask.nii.gz` (or `_seg`) → series X; same for `.nii`.
    static func pairUp(_ names: [String], in dir: String) -> [StudySeries] {
        let set = Set(names)
        var out: [StudySeries] = []
        for n in names {
            guard let ext = imageExtensions.first(where: { n.hasSuffix($0) }) else { continue }
            let stem = String(n.dropLast(ext.count))
            if stem.isEmpty || maskSuffixes.contains(where: { stem.hasSuffix($0) }) { continue }
            for s in maskSuffixes where set.contains(stem + s + ext) {
                out.append(StudySeries(name: stem, image: FS.join(dir, n), mask: FS.join(dir, stem + s + ext)))
                break
            }
        }
        return out
    }

    /// The series of a study: from `study.json` when present (`{"phases": [{"name", "image", "mask"}]}` or
    /// `{"phases": {"venous": {"image", "mask"}}}`), else the name pairs. Manifest paths must be relative,
    /// without `..`, and name a regular file of the study (so symlinks and escapes are refused).
    public static func series(of s: Study) throws -> [StudySeries] {
        guard s.hasManifest else { return s.pairs }
        let path = FS.join(s.directory, manifestName)
        let bytes = try FileIO.readBytes(path, limit: 1 << 20)
        struct Phase: Decodable { var name: String?; var image: String; var mask: String }
        struct ListForm: Decodable { var phases: [Phase] }
        struct MapForm: Decodable { var phases: [String: Phase] }
        var phases: [(String, Phase)] = []
        if let l = try? JSONDecoder().decode(ListForm.self, from: Data(bytes)) {
            phases = l.phases.enumerated().map { ($1.name ?? "phase\($0 + 1)", $1) }
        } else if let m = try? JSONDecoder().decode(MapForm.self, from: Data(bytes)) {
            phases = m.phases.keys.sorted().map { ($0, m.phases[$0]!) }
        } else {
            throw ApplianceError("\(path): not a study manifest (needs \"phases\" with \"image\" and \"mask\")")
        }
        if phases.isEmpty { throw ApplianceError("\(path): no phases") }
        return try phases.map { StudySeries(name: $0.0, image: try resolve($0.1.image, in: s), mask: try resolve($0.1.mask, in: s)) }
    }

    /// Absolute path of a manifest entry; refused unless it is relative, has no `..`, and names a regular file of the
    /// study (so symlinks and anything outside the folder are refused).
    public static func resolve(_ rel: String, in s: Study) throws -> String {
        if rel.hasPrefix("/") || rel.split(separator: "/").contains("..") || !s.files.contains(where: { $0.relativePath == rel }) {
            throw ApplianceError("\(FS.join(s.directory, manifestName)): '\(rel)' is not a file inside the study folder")
        }
        return FS.join(s.directory, rel)
    }
}
