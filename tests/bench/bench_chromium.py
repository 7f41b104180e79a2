#!/usr/bin/env python3
"""Headless Chromium showing chromium_form.html: the baseline scripts/bench.sh sets our
kiosk's figures against (a browser kiosk is the obvious alternative to ours).

  bench_chromium.py [--runs N] [--idle-s S] [--json FILE]

Cold start: process spawn until the screenshot file exists (median of N runs, each with
a new empty profile). Memory: RSS and PSS summed over the whole process tree of a
Chromium left showing the page, after it settled. Idle CPU: that tree's CPU over S
seconds, as % of one core. Prints figures; never judges them."""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chromium_form.html")
# Without the background-networking flags Chromium keeps dialling out, and this closed
# network refuses it (docs/design.md "Known traps").
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1080,1920"]
TICK = os.sysconf("SC_CLK_TCK")


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("bench_chromium: no chromium on PATH (scripts/bench.sh installs it)")


def tree(root):
    """root and every descendant pid."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
            parents[int(name)] = int(text[text.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            pass
    found, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def memory_kb(pids):
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
            fields = text[text.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total


def cold_start(binary, runs):
    """Wall ms to the screenshot per run, and the CPU seconds the whole run used (a
    figure that holds on a loaded machine, where wall time does not)."""
    times, cpu = [], []
    for _ in range(runs):
        before = os.times()
        profile = tempfile.mkdtemp(prefix="yimen-chromium-")
        shot = os.path.join(profile, "shot.png")
        start = time.monotonic()
        proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}/profile",
                                 f"--screenshot={shot}", "file://" + PAGE],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        seen = None
        while seen is None and time.monotonic() - start < 60:
            if os.path.exists(shot) and os.path.getsize(shot) > 0:
                seen = time.monotonic() - start
            else:
                time.sleep(0.005)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
        if seen is None:
            sys.exit("bench_chromium: no screenshot within 60 s")
        after = os.times()
        times.append(seen * 1000)
        cpu.append(after.children_user + after.children_system
                   - before.children_user - before.children_system)
    return times, cpu


def resident(binary, idle_s):
    profile = tempfile.mkdtemp(prefix="yimen-chromium-")
    proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}/profile",
                             "--remote-debugging-port=0", "file://" + PAGE],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        time.sleep(5)  # page loaded and painted, start-up work done
        pids = tree(proc.pid)
        rss, pss = memory_kb(pids)
        before = cpu_ticks(pids)
        time.sleep(idle_s)
        after = cpu_ticks(tree(proc.pid))
        return {"processes": len(pids), "rss_mb": rss / 1024, "pss_mb": pss / 1024,
                "idle_cpu_pct": 100.0 * (after - before) / TICK / idle_s}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle-s", type=float, default=10)
    parser.add_argument("--json")
    args = parser.parse_args()
    binary = chromium_binary()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    times, cpu = cold_start(binary, args.runs)
    figures = {"version": version, "start_to_screenshot_ms": statistics.median(times),
               "start_runs_ms": times, "start_cpu_s": statistics.median(cpu),
               **resident(binary, args.idle_s)}
    print(f"chromium benchmark ({version}, headless, {PAGE})")
    print(f"  spawn to screenshot, median of {args.runs}: {figures['start_to_screenshot_ms']:.0f} ms "
          f"(CPU {figures['start_cpu_s']:.2f} s for the whole run)")
    print(f"  showing the page: {figures['processes']} processes, RSS {figures['rss_mb']:.1f} MB, "
          f"PSS {figures['pss_mb']:.1f} MB")
    print(f"  CPU while idle for {args.idle_s:.0f} s: {figures['idle_cpu_pct']:.2f} % of a core")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
