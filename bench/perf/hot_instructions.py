#!/usr/bin/env python3
"""The instructions of one JIT-compiled Java method that perf's samples fall on, without hsdis.

HotSpot without the hsdis plugin prints compiled code as hex (-XX:CompileCommand=print), with the
scope of each call and safepoint ("; - Class::method@bci (line N)"). This script rebuilds the
bytes of the method's C2 versions from that print, counts perf's samples per instruction address,
disassembles with objdump, and prints the hottest instructions with the three before each (the
sample usually lands just after the instruction that stalled: on x86 a locked instruction or a
fence shows as the instruction after it) and the nearest scope above.

It found the live count's atomic add as half of Goroutines.start's samples
(docs/BENCHMARKS.md, "Issue 11, seventh session").

Usage:
  java -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:CompileCommand=quiet \
       -XX:CompileCommand=print,dev.weft.internal.sched.Goroutines::start ... > run.out 2>&1
  (run under: perf record -e cpu-clock -F 4999 -o run.data)
  bench/perf/hot_instructions.py run.out run.data Goroutines::start Goroutines.start [TOP]

The third argument picks the printed method ("Class::method"), the fourth the perf symbol
("Class.method", as the perf map names it). Needs perf and objdump (binutils).
"""
import collections
import re
import subprocess
import sys


def compiled_versions(out_file, method):
    """The C2 versions of `method` in a CompileCommand=print output: bytes by address, and notes."""
    versions, cur = [], None
    for line in open(out_file, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('Compiled method'):
            cur = None
            if '(c2)' in line and method in line:
                cur = {'header': line, 'bytes': {}, 'notes': collections.defaultdict(list), 'last': None}
                versions.append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r'\s+0x([0-9a-f]+): (.*)$', line)
        if m:
            addr, rest = int(m.group(1), 16), m.group(2)
            if rest.startswith(';'):
                cur['last'] = addr
                cur['notes'][addr].append(rest)
            else:
                hexes = rest.replace('|', '').replace(' ', '')
                if re.fullmatch(r'[0-9a-f]+', hexes):
                    for i in range(0, len(hexes), 2):
                        cur['bytes'][addr + i // 2] = int(hexes[i:i + 2], 16)
        elif line.strip().startswith(';') and cur['last'] is not None:
            cur['notes'][cur['last']].append(line.strip())
    return versions


def samples(data_file, symbol):
    script = subprocess.run(['perf', 'script', '-i', data_file, '-F', 'ip,sym'],
                            capture_output=True, text=True).stdout
    counts = collections.Counter()
    for line in script.splitlines():
        if symbol in line:
            counts[int(line.split()[0], 16)] += 1
    return counts


def disassemble(version):
    lo, hi = min(version['bytes']), max(version['bytes'])
    code = bytes(version['bytes'].get(a, 0) for a in range(lo, hi + 1))
    with open('/tmp/hot_instructions.bin', 'wb') as f:
        f.write(code)
    dump = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '--adjust-vma=%d' % lo,
                           '/tmp/hot_instructions.bin'], capture_output=True, text=True).stdout
    out = []
    for line in dump.splitlines():
        m = re.match(r'\s+([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(.*)$', line)
        if m:
            out.append((int(m.group(1), 16), m.group(3)))
    return out


def scope_at(version, ip):
    best = ''
    for addr in sorted(version['notes']):
        if addr > ip:
            break
        scopes = [n for n in version['notes'][addr] if n.startswith('; -')]
        if scopes:
            best = scopes[0]
    return best


def main():
    out_file, data_file, method, symbol = sys.argv[1:5]
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 12
    counts = samples(data_file, symbol)
    total = sum(counts.values())
    for v in compiled_versions(out_file, method):
        lo, hi = min(v['bytes']), max(v['bytes'])
        mine = {ip: c for ip, c in counts.items() if lo <= ip <= hi}
        print(v['header'], '--', sum(mine.values()), 'of', total, 'samples')
        if not mine:
            continue
        instructions = disassemble(v)
        for c, ip in sorted(((c, ip) for ip, c in mine.items()), reverse=True)[:top]:
            i = max(k for k, (a, _) in enumerate(instructions) if a <= ip)
            print('%6d  %x  %s' % (c, ip, scope_at(v, ip)))
            for a, text in instructions[max(0, i - 3):i + 1]:
                print('          %x  %s' % (a, text))


if __name__ == '__main__':
    main()
