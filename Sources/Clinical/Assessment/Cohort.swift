import Dispatch
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif

/// Cohort extraction for researchers: the per-study extraction of `assess` over every study folder, one wide row
/// per study and region (`study_id,region,settings_hash,<feature columns>`), resumable and fault-tolerant.
///
/// Each study is independent and idempotent, so a site can fan the work out on its scheduler (one study folder
/// per Slurm array task or Kubernetes Job, each writing its own CSV) and concatenate the rows afterwards
/// (keep one header). A rerun skips studies already in the output with the same settings hash; a failed study is
/// appended to `<output>.failed.csv` with its reason and the run goes on.
public struct Cohort {
    public var studiesDir: String
    public var output: String
    public var options: AssessmentOptions
    public var jobs: Int

    public init(studiesDir: String, output: String, options: AssessmentOptions, jobs: Int) {
        self.studiesDir = studiesDir; self.output = output; self.options = options; self.jobs = max(1, jobs)
    }

    /// What one run did.
    public struct Summary: Sendable { public var done = 0, skipped = 0, failed = 0, total = 0 }

    /// A hash of everything that changes the numbers: the settings per modality, ring width, speck threshold, label.
    public var settingsHash: String {
        var parts: [String] = []
        for k in options.settings.keys.sorted() {
            if let j = try? JSONValue.from(options.settings[k]!) { parts.append(k + "=" + CanonicalJSON.text(j)) }
        }
        parts.append("ring=\(FeatureCSV.format(options.ringWidthMM))")
        parts.append("minLesion=\(FeatureCSV.format(options.minimumLesionML))")
        parts.append("label=\(options.label.map(String.init) ?? "any")")
        return String(SHA256.hex(Array(parts.joined(separator: "\n").utf8)).prefix(16))
    }

    /// Study folders directly inside `studiesDir`, in byte order of their names.
    public func studyFolders() throws -> [String] {
        guard let d = opendir(studiesDir) else { throw IngestError(studiesDir, "cannot open folder: \(FileIO.errnoText())") }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let n = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if n.hasPrefix(".") { continue }
            var st = stat()
            if stat(studiesDir + "/" + n, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { names.append(n) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { studiesDir + "/" + $0 }
    }

    /// Runs the cohort; `progress(done, total, failed)` is called after each study (serially).
    public func run(progress: @escaping @Sendable (Int, Int, Int) -> Void = { _, _, _ in }) throws -> Summary {
        let hash = settingsHash
        let state = CohortState(output: output)
        try state.loadExisting(settingsHash: hash)
        let folders = try studyFolders()
        let queue = DispatchQueue(label: "hccedge.cohort.writer")
        let opts = options
        let total = folders.count
        let counter = Counter()
        let workers = min(jobs, max(1, total))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let n = counter.next(below: total) {
                let folder = folders[n]
                let outcome: Result<(String, [(String, [(String, Feature)])]), Error> = Result {
                    let (input, _) = StudyInput.from(try Study.open(folder))
                    if queue.sync(execute: { state.done.contains(input.id) }) { return (input.id, []) }
                    var regions: [(String, [(String, Feature)])] = []
                    for phase in input.phases {
                        let a = try Assessment.analyse(phase, options: opts)
                        for r in a.regions {
                            regions.append((r, a.features.filter { $0.0 == r + "." }))
                        }
                    }
                    return (input.id, regions)
                }
                queue.sync {
                    switch outcome {
                    case .success(let (id, regions)):
                        if regions.isEmpty { state.summary.skipped += 1 } else {
                            do { try state.append(id: id, regions: regions, hash: hash); state.summary.done += 1 } catch {
                                state.fail(folder: folder, reason: "\(error)")
                            }
                        }
                    case .failure(let e):
                        state.fail(folder: folder, reason: "\(e)")
                    }
                    let s = state.summary
                    progress(s.done + s.skipped + s.failed, total, s.failed)
                }
            }
        }
        var s = state.summary
        s.total = total
        return s
    }
}

/// Hands out study indices to the workers.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let q = DispatchQueue(label: "hccedge.cohort.counter")
    func next(below limit: Int) -> Int? { q.sync { value < limit ? { value += 1; return value - 1 }() : nil } }
}

/// The output file's state; only touched on the writer queue.
final class CohortState: @unchecked Sendable {
    let output: String
    var header: [String] = []
    var done = Set<String>()
    var summary = Cohort.Summary()
    init(output: String) { self.output = output }

    static let keyColumns = ["study_id", "region", "settings_hash"]

    /// Reads an existing output: its header and the studies already done with this settings hash.
    func loadExisting(settingsHash: String) throws {
        guard access(output, F_OK) == 0 else { return }
        let text = try FileIO.readText(output, limit: 1 << 30)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let h = lines.next() else { return }
        header = CSVLine.split(String(h))
        guard Array(header.prefix(3)) == CohortState.keyColumns else {
            throw IngestError(output, "not a cohort file (first columns must be \(CohortState.keyColumns.joined(separator: ",")))")
        }
        while let l = lines.next() {
            let f = CSVLine.split(String(l))
            guard f.count >= 3 else { continue }
            if f[2] != settingsHash {
                throw IngestError(output, "made with other settings (hash \(f[2]), now \(settingsHash)): write to a new file")
            }
            done.insert(f[0])
        }
    }

    func append(id: String, regions: [(String, [(String, Feature)])], hash: String) throws {
        var text = ""
        if header.isEmpty {
            var cols: [String] = []
            var seen = Set<String>()
            for (_, fs) in regions { for (_, f) in fs {
                let c = FeatureCSV.columnName(f)
                if seen.insert(c).inserted { cols.append(c) }
            } }
            header = CohortState.keyColumns + cols
            text += header.map(FeatureCSV.field).joined(separator: ",") + "\n"
        }
        let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for (region, fs) in regions {
            var row = [String](repeating: "", count: header.count)
            row[0] = id; row[1] = region; row[2] = hash
            for (_, f) in fs { if let i = index[FeatureCSV.columnName(f)], let v = f.value { row[i] = FeatureCSV.format(v) } }
            text += row.map(FeatureCSV.field).joined(separator: ",") + "\n"
        }
        try FileIO.append(text, to: output)
        done.insert(id)
    }

    func fail(folder: String, reason: String) {
        summary.failed += 1
        let side = output + ".failed.csv"
        let head = access(side, F_OK) == 0 ? "" : "study_folder,reason\n"
        try? FileIO.append(head + FeatureCSV.field(folder) + "," + FeatureCSV.field(reason) + "\n", to: side)
    }
}

/// CSV line splitting with double quotes (RFC 4180, one physical line).
public enum CSVLine {
    public static func split(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false, prevQuote = false
        for c in line {
            if quoted {
                if c == "\"" { quoted = false; prevQuote = true } else { cur.append(c) }
            } else if c == "\"" {
                if prevQuote { cur.append("\"") }
                quoted = true; prevQuote = false
            } else if c == "," { out.append(cur); cur = ""; prevQuote = false }
            else if c != "\r" { cur.append(c); prevQuote = false }
        }
        out.append(cur)
        return out
    }
}
