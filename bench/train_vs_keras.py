#!/usr/bin/env python3
"""Side by side on this machine: one training epoch and one test-set evaluation of our Burn
trainer (`trainer bench-epoch`) and of the seed's Keras model (`keras_seed.py`), same network,
same data, same batch size. Runs alternate (ours, Keras, Keras, ours, ...) so machine drift hits
both; prints every run, then each figure's median and the ratio ours/Keras.

Usage: bench/train_vs_keras.py --trainer PATH --python KERAS_PYTHON [--data data] [--rounds 3]
       [--batch 128] [--limit N] [--backend flex] [--backend tch] [--backend tch+bf16 ...]
`scripts/bench-train.sh` builds the trainer, installs TensorFlow in a venv and calls this.
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, env=None):
    pid = os.posix_spawnp(cmd[0], cmd, env or os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, OUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, ERR, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ])
    _, status, usage = os.wait4(pid, 0)
    out, err = open(OUT).read(), open(ERR).read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{") and "eval_s" in l]
    if not lines:
        sys.exit(f"{' '.join(cmd)} printed no timing:\n{out[-2000:]}{err[-2000:]}")
    figures = lines[-1]
    figures["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return figures


ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--trainer", required=True)
ap.add_argument("--python", required=True, help="a Python with tensorflow-cpu")
ap.add_argument("--data", default="data")
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--batch", type=int, default=128)
ap.add_argument("--limit", type=int, default=0)
ap.add_argument("--backend", action="append", help="our backend(s); default flex")
a = ap.parse_args()
backends = a.backend or ["flex"]
tmp = os.environ.get("TMPDIR", "/tmp")
OUT, ERR = os.path.join(tmp, f"bench-{os.getpid()}.out"), os.path.join(tmp, f"bench-{os.getpid()}.err")

limit = ["--limit", str(a.limit)] if a.limit else []
contenders = {"keras": [a.python, os.path.join(HERE, "keras_seed.py"), a.data, "--batch", str(a.batch)] + limit}
for b in backends:  # a backend name, optionally with "+bf16"
    name, _, bf16 = b.partition("+")
    contenders[f"burn-{b}"] = [a.trainer, "bench-epoch", "--data", a.data, "--batch-size", str(a.batch),
                               "--backend", name] + (["--bf16"] if bf16 else []) + limit
env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def cpu():
    """The CPU, since figures and even ratios move between CPU generations."""
    info = {}
    for line in open("/proc/cpuinfo"):
        key, _, value = line.partition(":")
        info.setdefault(key.strip(), value.strip())
    flags = set(info.get("flags", "").split())
    extras = [f for f in ("avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16") if f in flags]
    return (f"{info.get('model name', '?')} (family {info.get('cpu family', '?')}, model "
            f"{info.get('model', '?')}), {os.cpu_count()} cores, {' '.join(extras) or 'no AVX-512'}")


print(f"cpu: {cpu()}", flush=True)
results = {name: [] for name in contenders}
names = list(contenders)
for r in range(a.rounds):
    for name in (names if r % 2 == 0 else names[::-1]):
        f = timed(contenders[name], env)
        results[name].append(f)
        print(f"round {r + 1} {name:>10}: train {f['train_img_s']:8.1f} img/s  eval {f['eval_img_s']:8.1f} img/s"
              f"  peak {f['peak_mb']:6.0f} MB  test acc {f['test_acc']:.4f}", flush=True)
for path in (OUT, ERR):
    os.remove(path)

figures = [("train_img_s", "training images/s", "higher"), ("eval_img_s", "evaluation images/s", "higher"),
           ("train_s", "training epoch s", "lower"), ("peak_mb", "peak memory MB", "lower")]
median = {n: {k: statistics.median(f[k] for f in results[n]) for k, _, _ in figures} for n in names}
print(f"\nmedians of {a.rounds} runs, batch {a.batch}, {a.limit or 55000} training images, 10000 test images")
header = f"{'figure':<22}{'keras':>10}" + "".join(f"{n:>16}{'ratio':>8}" for n in names if n != "keras")
print(header)
for key, label, better in figures:
    row = f"{label:<22}{median['keras'][key]:>10.1f}"
    for n in names:
        if n != "keras":
            row += f"{median[n][key]:>16.1f}{median[n][key] / median['keras'][key]:>7.2f}x"
    print(row + f"   ({better} is better)")
print(json.dumps({"rounds": a.rounds, "batch": a.batch, "medians": median}))
