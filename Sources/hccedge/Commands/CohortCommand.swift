import ArgumentParser
import Clinical
#if canImport(Glibc)
import Glibc
#endif

/// `hccedge cohort STUDIES_DIR --output cohort.csv [--jobs N]`: the researcher's side of the box.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Extract features of every study folder into one wide CSV (resumable; failures to a side file).",
        discussion: """
        One row per study and region (study_id, region, settings_hash, features). A rerun skips studies already in
        the output with the same settings hash; a failed study goes to OUTPUT.failed.csv with its reason. Studies are
        independent: on a cluster, run one study folder per task (Slurm array, Kubernetes Job) and concatenate rows.
        """)

    @Argument(help: "Folder whose sub-folders are studies.") var studiesDir: String
    @Option(help: "Output CSV (appended to when resuming).") var output: String
    @Option(help: "Parallel studies (default: all cores).") var jobs: Int?
    @Option(help: "Peritumoral ring width in mm.") var ringMM: Double = 5

    func run() throws {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let opts = try AssessRunner.options(model: nil, ringMM: ringMM, minLesionML: LesionFinder.defaultMinimumVolumeML, label: nil)
        let cohort = Cohort(studiesDir: studiesDir, output: output, options: opts, jobs: jobs ?? max(1, cores))
        let tty = isatty(2) != 0
        let s = try CLIFailure.guarding {
            try cohort.run { done, total, failed in
                if tty {
                    let width = 30, filled = total == 0 ? width : done * width / total
                    printError("\u{1B}[1A\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                               + "] \(done)/\(total) studies, \(failed) failed")
                } else {
                    printError("cohort: \(done)/\(total) studies, \(failed) failed")
                }
            }
        }
        print("cohort: \(s.done) extracted, \(s.skipped) already present, \(s.failed) failed of \(s.total) → \(output)"
              + (s.failed > 0 ? " (reasons in \(output).failed.csv)" : ""))
    }
}
