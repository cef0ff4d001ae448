#!/usr/bin/env python3
"""Throughput of the study storages with several worker processes (issue #10).

`make storage-bench` runs it: a throwaway PostgreSQL server (Scripts/postgres-test-server.sh),
then, on the same server and machine,

  * N `hyperpower benchmark --method random` workers sharing a file journal,
  * N such workers sharing a PostgreSQL study (`--storage postgresql://… --study …`),
  * N Python workers sharing an Optuna study in `RDBStorage` on the same server (RandomSampler,
    a trivial objective, `ask` then `tell`),

each until the study has T trials, and prints asks+tells per second (T trials / wall seconds,
process start-up included for everyone) with the ratios. Then the overhead a storage adds to
one HyperPower suggestion: one worker, the GP sampler, 200 trials in memory, in a journal and in
PostgreSQL; (wall with the storage − wall in memory) / 200 is the storage's cost per trial
(an ask and a tell). Never part of `make test`.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_server():
    folder = tempfile.mkdtemp(prefix="hyperpower-bench-pg.")
    url = subprocess.run([os.path.join(ROOT, "Scripts/postgres-test-server.sh"), "start", folder],
                         check=True, capture_output=True, text=True).stdout.strip()
    return folder, url


def stop_server(folder):
    subprocess.run([os.path.join(ROOT, "Scripts/postgres-test-server.sh"), "stop", folder], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def run_workers(commands):
    start = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for command in commands]
    failures = []
    for process in processes:
        _, errors = process.communicate()
        if process.returncode != 0:
            failures.append(errors.decode()[-400:])
    if failures:
        sys.exit("a worker failed:\n" + "\n".join(failures))
    return time.perf_counter() - start


def hyperpower_command(binary, trials, storage_arguments, method="random"):
    return [binary, "benchmark", "--problem", "gramacy", "--method", method, "--seeds", "1", "--budget", str(trials)] + storage_arguments


OPTUNA_WORKER = r"""
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler())
for _ in range(count):
    trial = study.ask()
    x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
    study.tell(trial, x + y)
"""


def optuna_run(python, url, workers, trials):
    import optuna  # noqa: F401  (fails early with a clear message when it is not installed)
    name = "bench-" + uuid.uuid4().hex[:8]
    sqlalchemy_url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    subprocess.run([python, "-c", "import optuna, sys; optuna.create_study(study_name=sys.argv[2], storage=sys.argv[1])",
                    sqlalchemy_url, name], check=True, capture_output=True)
    share = [trials // workers + (1 if i < trials % workers else 0) for i in range(workers)]
    return run_workers([[python, "-c", OPTUNA_WORKER, sqlalchemy_url, name, str(count)] for count in share])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/hyperpower"))
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each, the median is reported")
    parser.add_argument("--url", help="an existing PostgreSQL server (default: a throwaway one)")
    arguments = parser.parse_args()
    if not os.access(arguments.binary, os.X_OK):
        sys.exit(f"no hyperpower binary at {arguments.binary} (swift build -c release)")
    folder, url = (None, arguments.url) if arguments.url else start_server()
    scratch = tempfile.mkdtemp(prefix="hyperpower-bench.")
    try:
        rows = {"hyperpower, file journal": [], "hyperpower, PostgreSQL": [], "Optuna RDBStorage, PostgreSQL": []}
        for _ in range(arguments.repeats):
            journal = os.path.join(scratch, uuid.uuid4().hex + ".jsonl")
            rows["hyperpower, file journal"].append(run_workers(
                [hyperpower_command(arguments.binary, arguments.trials, ["--journal", journal])] * arguments.workers))
            study = "bench-" + uuid.uuid4().hex[:8]
            rows["hyperpower, PostgreSQL"].append(run_workers(
                [hyperpower_command(arguments.binary, arguments.trials, ["--storage", url, "--study", study])] * arguments.workers))
            rows["Optuna RDBStorage, PostgreSQL"].append(optuna_run(sys.executable, url, arguments.workers, arguments.trials))
        print(f"{arguments.workers} workers, {arguments.trials} trials per study (random sampler, trivial objective), "
              f"median of {arguments.repeats} runs, wall time including process start-up")
        optuna_rate = arguments.trials / statistics.median(rows["Optuna RDBStorage, PostgreSQL"])
        for name, walls in rows.items():
            rate = arguments.trials / statistics.median(walls)
            print(f"  {name:32s} {rate:8.1f} asks+tells/s  ({rate / optuna_rate:5.1f}x Optuna)  walls {', '.join(f'{w:.2f}' for w in walls)} s")

        print("\nOne worker, HyperPower's GP sampler, 200 trials: the storage's cost per trial (an ask and a tell)")
        walls = {"memory": [], "journal": [], "postgresql": []}
        for _ in range(arguments.repeats):
            walls["memory"].append(run_workers([hyperpower_command(arguments.binary, 200, [], "hyperpower")]))
            journal = os.path.join(scratch, uuid.uuid4().hex + ".jsonl")
            walls["journal"].append(run_workers([hyperpower_command(arguments.binary, 200, ["--journal", journal], "hyperpower")]))
            walls["postgresql"].append(run_workers([hyperpower_command(
                arguments.binary, 200, ["--storage", url, "--study", "overhead-" + uuid.uuid4().hex[:8]], "hyperpower")]))
        memory = statistics.median(walls["memory"])
        for name in ("journal", "postgresql"):
            extra = (statistics.median(walls[name]) - memory) / 200 * 1000
            print(f"  {name:10s} {extra:6.2f} ms per trial over memory (walls: memory {memory:.2f} s, {name} "
                  f"{statistics.median(walls[name]):.2f} s)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if folder:
            stop_server(folder)


if __name__ == "__main__":
    main()
