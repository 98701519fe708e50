"""Helpers for the serve fault-injection, media and soak scripts in tools/reliability (standard library only)."""
import json, os, re, shutil, signal, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_hccedge():
    return os.environ.get('HCCEDGE', os.path.join(ROOT, '.build', 'release', 'hccedge'))


def make_studies(n, out, prefix, start=0):
    subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'reliability', 'make-studies'), str(n), out,
                    '--prefix', prefix, '--start', str(start)], check=True, stdout=subprocess.DEVNULL)
    return ['%s-%04d' % (prefix, k) for k in range(start, start + n)]


def safe_name(s):
    t = ''.join(c if (c.isascii() and (c.isalnum() or c in '.-_')) else '_' for c in s).lstrip('.')
    return t[:80] or 'study'


class Daemon:
    """One `hccedge serve` with its own watch/state/results/run folders under `base`."""

    def __init__(self, base, hccedge=None, **config):
        self.base = os.path.abspath(base)
        self.hccedge = os.path.abspath(hccedge or default_hccedge())
        self.watch = config.pop('watch_dir', os.path.join(self.base, 'watch'))
        self.state = config.pop('state_dir', os.path.join(self.base, 'state'))
        self.results = config.pop('output_dir', os.path.join(self.base, 'results'))
        self.status_path = os.path.join(self.base, 'run', 'status.json')
        for d in (self.watch, self.state, self.results, os.path.dirname(self.status_path), os.path.join(self.base, 'staging')):
            os.makedirs(d, exist_ok=True)
        cfg = {"watch": [{"path": self.watch, "kind": "folder"}], "state_dir": self.state, "output_dir": self.results,
               "status_file": self.status_path, "quiet_seconds": 0, "rescan_seconds": 0.5, "self_test_at_start": False,
               "scan_depth": 1, "processor": "assess"}
        cfg.update(config)
        self.config = os.path.join(self.base, 'hccedge.conf')
        json.dump(cfg, open(self.config, 'w'), indent=1)
        self.logpath = os.path.join(self.base, 'serve.log')
        self.proc = None

    def start(self):
        log = open(self.logpath, 'ab')
        self.proc = subprocess.Popen([self.hccedge, 'serve', '--config', self.config], stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log, start_new_session=True)
        log.close()
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.alive():
            os.kill(self.proc.pid, sig)
        return self.proc.wait()

    def stop(self, timeout=60):
        if not self.alive():
            return self.proc.returncode if self.proc else None
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return 'hung at SIGTERM (killed)'

    def drop(self, src_parent, names):
        """Moves prepared studies into the watched folder, one rename each (a complete study appears at once)."""
        for n in names:
            os.rename(os.path.join(src_parent, n), os.path.join(self.watch, n))

    # ---------------------------------------------------------------- state inspection
    def journal(self):
        """(entries, torn): complete JSON lines, and the number of lines that do not parse (a torn tail counts)."""
        entries, bad = [], 0
        try:
            data = open(os.path.join(self.state, 'journal.jsonl'), 'rb').read()
        except OSError:
            return entries, bad
        lines = data.split(b'\n')
        for i, line in enumerate(lines):
            if not line:
                continue
            try:
                entries.append(json.loads(line))
            except ValueError:
                bad += 1
        return entries, bad

    def last_events(self):
        last = {}
        for e in self.journal()[0]:
            last[e['fingerprint']] = e
        return last

    def by_study(self):
        """study name → last journal entry."""
        out = {}
        for e in self.journal()[0]:
            out[e.get('study')] = e
        return out

    def status(self):
        try:
            return json.load(open(self.status_path))
        except FileNotFoundError:
            return None
        except ValueError as e:
            return {'_unparseable': str(e)}

    def result_dirs(self):
        try:
            return sorted(os.listdir(self.results))
        except OSError:
            return []

    def check_results(self):
        """Visible result folders must be complete (outcome.json parses). Returns (visible, hidden partials, problems)."""
        vis, hidden, problems = [], [], []
        for n in self.result_dirs():
            if n.startswith('.'):
                hidden.append(n); continue
            p = os.path.join(self.results, n, 'outcome.json')
            try:
                o = json.load(open(p))
                if not o.get('fingerprint'):
                    problems.append(n + ': outcome.json without fingerprint')
            except (OSError, ValueError) as e:
                problems.append('%s: visible result incomplete (%s)' % (n, e))
            vis.append(n)
        return vis, hidden, problems

    def pid_stats(self):
        """(RSS kB, open fds) of the daemon, or (0, 0)."""
        pid = self.proc.pid if self.alive() else None
        if pid is None:
            return 0, 0
        rss = 0
        try:
            for l in open('/proc/%d/status' % pid):
                if l.startswith('VmRSS:'):
                    rss = int(l.split()[1])
            fds = len(os.listdir('/proc/%d/fd' % pid))
        except OSError:
            return 0, 0
        return rss, fds

    def log_lines(self):
        try:
            return open(self.logpath, errors='replace').read().splitlines()
        except OSError:
            return []

    def wait_for(self, pred, timeout, step=0.2):
        t0 = time.time()
        while time.time() - t0 < timeout:
            if pred():
                return True
            if self.proc is not None and not self.alive():
                return pred()
            time.sleep(step)
        return False
