# tools/reliability/lib.sh — shared helpers of the serve fault-injection scripts (bash + jq + coreutils + /proc).
# Sourced, not run: `. "$(dirname "$0")/lib.sh"`.
#
#   rl_find_bin [BIN]           → RL_BIN: absolute path of hccedge (argument, $HCCEDGE, .build/release, .build/debug)
#   rl_make_studies N OUT PREFIX [START]
#                               N one-phase studies OUT/PREFIX-NNNN (the IBSI digital phantom, the study name in the
#                               header's descrip field: same voxels, different bytes, so every fingerprint differs)
#   d_init BASE [JQ-CONFIG-PATCH]
#                               one `hccedge serve` with its own BASE/{watch,state,results,run,staging}, config
#                               BASE/hccedge.conf (quiet 0 s, rescan 0.5 s, no self-test, processor assess) patched
#                               by a jq expression, e.g. '.max_attempts = 100'
#   d_start / d_alive / d_kill [SIG] / d_stop [TIMEOUT]   (D_PID; d_kill and d_stop set D_RC)
#   d_drop STAGING NAME…        one rename per study into the watched folder
#   j_entries                   the journal's parsing lines (compact JSON, one a line)
#   j_torn                      number of non-empty journal lines that do not parse (a torn tail counts)
#   j_done_studies              names of studies with a `done` event, one a line, unique
#   j_last STUDY                the last journal entry of STUDY (compact JSON) or nothing
#   j_event STUDY               its event (done/failed/running/seen) or "none"
#   j_reason STUDY              its reason (or category); j_count STUDY EVENT: how many such events
#   json_field FILE FILTER      the jq filter's output; fails when FILE does not parse or the output is empty
#   d_status_state              status file: its state, "absent" or "unparseable"
#   d_status_message            the status file's message
#   d_check_results             visible result folders must hold a parsing outcome.json with a fingerprint;
#                               sets R_VISIBLE (count), R_HIDDEN (count of .partial-* etc.), R_PROBLEMS (array)
#   d_hidden_names              the hidden entries of the output folder (.partial-*, .old-*)
#   d_pid_stats                 "RSS_kB FDS" of the daemon ("0 0" when not running)
#   d_log_has TEXT              grep -F in the daemon's log
#   wait_for TIMEOUT STEP CMD…  polls CMD until it succeeds (1 when TIMEOUT s pass; returns early when the
#                               daemon died, after one last try)
set -o pipefail   # (so no pipeline here ends in `grep -q`: the writer, cut off early, would fail it with SIGPIPE)

RL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RL_SHARED=$("$RL_ROOT/tools/shared-dir" 2>/dev/null || echo "$RL_ROOT/../shared")

command -v jq >/dev/null || { echo "$(basename "$0"): needs jq" >&2; exit 2; }

rl_find_bin() {
    local b="${1:-${HCCEDGE:-}}" c
    if [ -z "$b" ]; then
        for c in "$RL_ROOT/.build/release/hccedge" "$RL_ROOT/.build/debug/hccedge"; do
            [ -x "$c" ] && { b="$c"; break; }
        done
    fi
    [ -n "$b" ] && [ -x "$b" ] || { echo "$(basename "$0"): no hccedge binary (--hccedge BIN, \$HCCEDGE or swift build -c release --product hccedge)" >&2; exit 2; }
    RL_BIN="$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

# ------------------------------------------------------------------------------------------------- studies
rl_make_studies() {   # N OUT PREFIX [START] [PHANTOM: digital_phantom (default, ~10 ms of work) | ct_phantom (~0.4 s)]
    local n="$1" out="$2" prefix="$3" start="${4:-0}" ph="$RL_SHARED/ibsi/${5:-digital_phantom}" k name d tmp text
    [ -f "$ph/image.nii.gz" ] \
        || { echo "$(basename "$0"): no IBSI phantom at $ph (set HCCEDGE_SHARED)" >&2; return 2; }
    mkdir -p "$out"
    tmp="$(mktemp -d)"
    gzip -dc "$ph/image.nii.gz" > "$tmp/image.nii"
    for ((k = start; k < start + n; k++)); do
        printf -v name '%s-%04d' "$prefix" "$k"
        d="$out/$name"; mkdir -p "$d"
        cp "$tmp/image.nii" "$tmp/img.nii"
        # descrip: 80 bytes at offset 148 (the text, NUL-padded; 79 characters at most).
        text="hccedge test study $name"; text="${text:0:79}"
        { printf "%s" "$text"; head -c $((80 - ${#text})) /dev/zero; } \
            | dd of="$tmp/img.nii" bs=1 seek=148 conv=notrunc status=none
        gzip -n -c "$tmp/img.nii" > "$d/venous.nii.gz"
        cp "$ph/mask.nii.gz" "$d/venous_mask.nii.gz"
    done
    rm -rf "$tmp"
}

# ------------------------------------------------------------------------------------------------- daemon
d_init() {   # BASE [JQ-PATCH]
    D_BASE="$(mkdir -p "$1" && cd "$1" && pwd)"
    D_WATCH="$D_BASE/watch"; D_STATE="$D_BASE/state"; D_RESULTS="$D_BASE/results"; D_STAGING="$D_BASE/staging"
    D_STATUS="$D_BASE/run/status.json"; D_CONF="$D_BASE/hccedge.conf"; D_LOG="$D_BASE/serve.log"
    D_PID=""; D_RC=""
    mkdir -p "$D_WATCH" "$D_STATE" "$D_RESULTS" "$D_BASE/run" "$D_STAGING"
    jq -n --arg w "$D_WATCH" --arg s "$D_STATE" --arg r "$D_RESULTS" --arg f "$D_STATUS" \
        '{watch: [{path: $w, kind: "folder"}], state_dir: $s, output_dir: $r, status_file: $f, quiet_seconds: 0,
          rescan_seconds: 0.5, self_test_at_start: false, scan_depth: 1, processor: "assess"} | '"${2:-.}" > "$D_CONF"
}

d_start() {   # descriptors inherited from the caller (above 2) are closed: the fd samples count only the daemon's own
    (
        for f in /proc/"$BASHPID"/fd/*; do
            f="${f##*/}"; if [ "$f" -gt 2 ] 2>/dev/null; then eval "exec $f>&-" 2>/dev/null || true; fi
        done
        exec "$RL_BIN" serve --config "$D_CONF" < /dev/null >> "$D_LOG" 2>&1
    ) &
    D_PID=$!
}

d_alive() {   # running and not a zombie
    [ -n "$D_PID" ] || return 1
    local st
    st="$(cut -d' ' -f3 "/proc/$D_PID/stat" 2>/dev/null)" || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

d_kill() {   # [SIG] (default KILL) → D_RC
    [ -n "$D_PID" ] || return 0   # not running: D_RC keeps the last exit status
    kill -"${1:-KILL}" "$D_PID" 2>/dev/null || true
    D_RC=0; wait "$D_PID" 2>/dev/null || D_RC=$?
    D_PID=""
}

d_stop() {   # [TIMEOUT s, default 60] SIGTERM, wait; SIGKILL after TIMEOUT → D_RC ("hung" then)
    [ -n "$D_PID" ] || return 0   # not running: D_RC keeps the last exit status
    kill -TERM "$D_PID" 2>/dev/null || true
    local t=0 lim=$((${1:-60} * 10))
    while d_alive && [ $t -lt $lim ]; do sleep 0.1; t=$((t + 1)); done
    if d_alive; then
        kill -KILL "$D_PID" 2>/dev/null; wait "$D_PID" 2>/dev/null; D_RC="hung at SIGTERM (killed)"
    else
        D_RC=0; wait "$D_PID" 2>/dev/null || D_RC=$?
    fi
    D_PID=""
}

d_drop() {   # STAGING NAME…
    local src="$1" n; shift
    for n in "$@"; do mv "$src/$n" "$D_WATCH/$n"; done
}

# ------------------------------------------------------------------------------------------------- inspection
j_entries() {
    [ -s "$D_STATE/journal.jsonl" ] || return 0
    jq -R -c 'fromjson? | objects' "$D_STATE/journal.jsonl" 2>/dev/null
}
j_torn() {
    [ -s "$D_STATE/journal.jsonl" ] || { echo 0; return; }
    jq -R -n '[inputs | select(length > 0) | select((fromjson? | objects) == null)] | length' "$D_STATE/journal.jsonl"
}
j_done_studies() { j_entries | jq -r 'select(.event == "done") | .study' | sort -u; }
j_last() { j_entries | jq -c --arg s "$1" 'select(.study == $s)' | tail -n 1; }
j_event() { local e; e="$(j_last "$1" | jq -r .event)"; echo "${e:-none}"; }
j_reason() { j_last "$1" | jq -r '.reason // .category // ""'; }
j_count() {   # STUDY EVENT → number of such events
    j_entries | jq -r --arg s "$1" --arg e "$2" 'select(.study == $s and .event == $e) | .study' | wc -l
}

# json_field FILE FILTER: the filter's output; fails when the file does not parse or the output is empty
# (jq 1.6 exits 0 on an empty file)
json_field() {
    local v; v="$(jq -r "$2" "$1" 2>/dev/null)" && [ -n "$v" ] && printf '%s\n' "$v"
}
d_status_state() {
    [ -e "$D_STATUS" ] || { echo absent; return; }
    json_field "$D_STATUS" '.state | strings' || echo unparseable
}
d_status_message() { jq -r '.message // ""' "$D_STATUS" 2>/dev/null; }

d_check_results() {
    R_VISIBLE=0; R_HIDDEN=0; R_PROBLEMS=()
    local p n files=()
    for p in "$D_RESULTS"/* "$D_RESULTS"/.[!.]*; do
        [ -e "$p" ] || continue
        n="${p##*/}"
        case "$n" in
            .*) R_HIDDEN=$((R_HIDDEN + 1)); continue ;;
            filler) continue ;;
        esac
        R_VISIBLE=$((R_VISIBLE + 1))
        files+=("$p/outcome.json")
    done
    [ ${#files[@]} -gt 0 ] || return 0
    # one jq for all (thousands of folders in a soak): it must print one non-empty fingerprint per file;
    # otherwise each file is checked alone to name the bad ones
    local good; good="$(jq -r '.fingerprint | strings | select(length > 0)' "${files[@]}" 2>/dev/null | wc -l)" || good=-1
    [ "$good" = ${#files[@]} ] && return 0
    for p in "${files[@]}"; do
        json_field "$p" '.fingerprint | strings' >/dev/null \
            || R_PROBLEMS+=("$(basename "$(dirname "$p")"): visible result incomplete (outcome.json missing, unparseable or without fingerprint)")
    done
}
d_hidden_names() { (cd "$D_RESULTS" && ls -A | grep '^\.' || true); }

d_pid_stats() {
    if ! d_alive; then echo "0 0"; return; fi
    local rss fds
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$D_PID/status" 2>/dev/null)"
    fds="$(ls "/proc/$D_PID/fd" 2>/dev/null | wc -l)"
    echo "${rss:-0} ${fds:-0}"
}

d_log_has() { grep -qF -- "$1" "$D_LOG" 2>/dev/null; }

wait_for() {   # TIMEOUT STEP CMD…
    local lim="$1" step="$2"; shift 2
    local t0; t0="$(now)"
    while :; do
        "$@" && return 0
        if [ -n "$D_PID" ] && ! d_alive; then "$@"; return; fi
        awk -v a="$t0" -v b="$(now)" -v l="$lim" 'BEGIN { exit !(b - a < l) }' || return 1
        sleep "$step"
    done
}
