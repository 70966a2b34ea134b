import sys, mutex_model as m
spec = eval(sys.argv[1])
res, st, seen = m.explore(spec, old_unlock='--old' in sys.argv)
print(res)
if res: m.trace(st, seen)
