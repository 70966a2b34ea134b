#!/usr/bin/env python3
"""Exhaustive interleaving model of dev.weft.sync.Mutex + Sema, their cancelled waiters (ghosts) included.

Every atomic step of the Java code is one model step (a CAS loop's failed CAS + re-read merged:
a failed CAS has no effect, so it is a read at that moment).  Threads lock, run a critical
section and unlock `iters` times; a cancellable thread may, while parked unsignalled in the
semaphore, leave a ghost (Sema.leaveGhost) and end.  `starving` after a wait is a free choice
(threshold anywhere between 0 and infinity).

Checked: at most one thread in its critical section; no 'unlock of unlocked mutex' and no
'inconsistent mutex state'; Go's hand-off assertion (old&(LOCKED|WOKEN)==0 && waiters>0 when a
waiter is handed the mutex, played by ghosts too); at every terminal state every thread ended
and the mutex is clean (state 0, count 0, nwait 0, queue empty).
"""
import sys

L, WK, S, SH = 1, 2, 4, 3
W = 1 << SH

# thread tuple: (pc, old, awoke, starving, ws, lifo, it, ret, rpc, h, delta, cancellable)
PC, OLD, AWOKE, STARV, WS, LIFO, IT, RET, RPC, H, DELTA, CANC = range(12)


# The code as it is: a ghost's part is read from the word (Mutex.playGhosts). --mode-of-release
# models the code before (a ghost played by the mode of the release that reached it).
DISPATCH = '--mode-of-release' not in sys.argv


class Bad(Exception):
    pass


def step(st, t, old_unlock):
    """All successors of state st when thread t takes its next step (a list; empty if blocked)."""
    ms, cnt, nw, lk, q, nodes, ths = st
    th = list(ths[t])
    pc = th[PC]
    out = []

    def mk(ms2=None, cnt2=None, nw2=None, lk2=None, q2=None, nodes2=None, th2=None):
        ths2 = list(ths)
        ths2[t] = tuple(th2 if th2 is not None else th)
        return (ms if ms2 is None else ms2, cnt if cnt2 is None else cnt2, nw if nw2 is None else nw2,
                lk if lk2 is None else lk2, q if q2 is None else q2, nodes if nodes2 is None else nodes2,
                tuple(ths2))

    def goto(p, **kw):
        th[PC] = p
        return kw

    if pc == 'start':
        if th[IT] == 0:
            th[PC] = 'done'
            return [mk()]
        # lock fast path
        if ms == 0:
            th[PC] = 'cs'
            return [mk(ms2=L)]
        th[PC] = 'ls_loop'
        th[OLD] = ms
        th[AWOKE] = 0
        th[STARV] = 0
        th[WS] = 0
        return [mk()]
    if pc == 'ls_loop':
        old = th[OLD]
        nxt = old
        if old & S == 0:
            nxt |= L
        if old & (L | S):
            nxt += W
        if th[STARV] and old & L:
            nxt |= S
        if th[AWOKE]:
            if nxt & WK == 0:
                raise Bad('lockSlow: inconsistent mutex state %d' % nxt)
            nxt &= ~WK
        if ms != old:
            th[OLD] = ms
            return [mk()]
        if old & (L | S) == 0:
            th[PC] = 'cs'
            return [mk(ms2=nxt)]
        th[LIFO] = th[WS]
        th[WS] = 1
        th[PC] = 'acq'
        return [mk(ms2=nxt)]
    if pc == 'acq':  # Sema.acquire: tryAcquire fast path
        if cnt > 0:
            th[PC] = 'after_acq'
            return [mk(cnt2=cnt - 1)]
        th[PC] = 'a_lock'
        return [mk()]
    if pc == 'a_lock':  # lock; nwait++
        if lk != -1:
            return []
        th[PC] = 'a_try'
        return [mk(lk2=t, nw2=nw + 1)]
    if pc == 'a_try':  # under lock: tryAcquire, else queue; unlock
        if cnt > 0:
            th[PC] = 'after_acq'
            return [mk(cnt2=cnt - 1, nw2=nw - 1, lk2=-1)]
        nodes2 = list(nodes)
        nodes2[t] = (0, 0, 0)  # ghost, signalled, handoff
        q2 = (t,) + q if th[LIFO] else q + (t,)
        th[PC] = 'a_wait'
        return [mk(q2=q2, nodes2=tuple(nodes2), lk2=-1)]
    if pc == 'a_wait':
        res = []
        g, sig, ho = nodes[t]
        if sig:
            th2 = list(th)
            th2[PC] = 'a_woke'
            res.append(mk(th2=th2))
        elif th[CANC] and lk == -1:
            # leaveGhost under the lock: node stays queued, marked; the thread unwinds
            nodes2 = list(nodes)
            nodes2[t] = (1, 0, 0)
            th2 = list(th)
            th2[PC] = 'gone'
            res.append(mk(nodes2=tuple(nodes2), th2=th2))
        return res
    if pc == 'a_woke':
        g, sig, ho = nodes[t]
        nodes2 = list(nodes)
        nodes2[t] = None
        if ho:
            th[PC] = 'after_acq'
            return [mk(nodes2=tuple(nodes2))]
        if cnt > 0:
            th[PC] = 'after_acq'
            return [mk(cnt2=cnt - 1, nodes2=tuple(nodes2))]
        th[LIFO] = 1
        th[PC] = 'a_lock'
        return [mk(nodes2=tuple(nodes2))]
    if pc == 'after_acq':  # starving = starving || late; old = state
        res = []
        for late in ((0, 1) if not th[STARV] else (1,)):
            th2 = list(th)
            th2[STARV] = 1 if (th[STARV] or late) else 0
            old = ms
            if old & S:
                if old & (L | WK) or (old >> SH) == 0:
                    raise Bad('handed off with state %d (Go throws)' % old)
                delta = L - W
                if not th2[STARV] or (old >> SH) == 1:
                    delta -= S
                th2[DELTA] = delta
                th2[PC] = 'ho_add'
            else:
                th2[AWOKE] = 1
                th2[OLD] = old
                th2[PC] = 'ls_loop'
            res.append(mk(th2=th2))
        return res
    if pc == 'ho_add':
        th[PC] = 'cs'
        return [mk(ms2=ms + th[DELTA])]
    if pc == 'cs':
        th[PC] = 'unlock'
        return [mk()]
    if pc == 'unlock':
        if ms & L == 0:
            raise Bad('unlock of unlocked mutex (state %d)' % ms)
        now = ms - L
        if ms == L:
            th[PC] = 'end_iter'
            return [mk(ms2=0)]
        th[OLD] = now
        th[PC] = 'us_top' if old_unlock else 'w_loop'
        return [mk(ms2=now)]
    # ---- fixed unlockSlow (64e61a8)
    if pc == 'w_loop':  # local decision, merged into the next step
        if th[OLD] & S:
            th[H] = 1
            th[RPC] = 'after_rel_s'
            th[PC] = 'r0'
        else:
            th[PC] = 'n_loop'
        return step_local(st, t, th, old_unlock, mk)
    if pc == 'after_rel_s':
        if not th[RET]:
            th[PC] = 'end_iter'
        else:
            th[PC] = 'dispatch' if DISPATCH else 'gtl'
        return step_local(st, t, th, old_unlock, mk)
    if pc == 'dispatch':  # proposed fix: the ghost's role is read from the word, not the caller's mode
        th[PC] = 'gtl' if ms & S else 'gwl'
        return step_local(st, t, th, old_unlock, mk)
    if pc == 'gtl':  # ghostTakesAndLeaves: one CAS
        old = ms
        if old & L or old & S == 0 or (old >> SH) == 0:
            raise Bad('ghost handed a mutex in state %d' % old)
        nxt = old - W
        if (old >> SH) == 1:
            nxt &= ~S
        th[OLD] = nxt
        th[PC] = 'us_top' if old_unlock else 'w_loop'
        return [mk(ms2=nxt)]
    if pc == 'n_loop':
        old = th[OLD]
        if (old >> SH) == 0 or old & (L | WK | S):
            th[PC] = 'end_iter'
            return step_local(st, t, th, old_unlock, mk)
        if ms != old:
            th[OLD] = ms
            th[PC] = 'us_top' if old_unlock else 'n_loop'
            return [mk()]
        th[H] = 0
        th[RPC] = 'n_after_rel'
        th[PC] = 'r0'
        return [mk(ms2=(old - W) | WK)]
    if pc == 'n_after_rel':
        th[PC] = ('dispatch' if DISPATCH else 'gwl') if th[RET] else 'end_iter'
        return step_local(st, t, th, old_unlock, mk)
    if pc == 'gwl':  # ghostWokenLeaves: read + CAS
        old = ms
        if old & WK == 0:
            raise Bad('ghostWokenLeaves: inconsistent mutex state %d' % old)
        if (old >> SH) != 0 and old & (L | S) == 0:
            th[H] = 0
            th[RPC] = 'gwl_after_rel'
            th[PC] = 'r0'
            return [mk(ms2=old - W)]
        th[PC] = 'end_iter'
        return [mk(ms2=old & ~WK)]
    if pc == 'gwl_after_rel':
        th[PC] = 'end_iter' if not th[RET] else ('dispatch' if DISPATCH else 'gwl')
        return step_local(st, t, th, old_unlock, mk)
    # ---- old unlockSlow (3c5fef9): the mode re-decided at the loop's top
    if pc == 'us_top':
        if th[OLD] & S:
            th[H] = 1
            th[RPC] = 'after_rel_s'
            th[PC] = 'r0'
        else:
            th[PC] = 'n_loop'
        return step_local(st, t, th, old_unlock, mk)
    # ---- Sema.release(h)
    if pc == 'r0':
        th[PC] = 'r1'
        return [mk(cnt2=cnt + 1)]
    if pc == 'r1':
        if nw == 0:
            th[RET] = 0
            th[PC] = th[RPC]
            return [mk()]
        th[PC] = 'r_lock'
        return [mk()]
    if pc == 'r_lock':
        if lk != -1:
            return []
        ghost = 0
        cnt2, nw2, q2, nodes2 = cnt, nw, q, list(nodes)
        if nw != 0 and nodes[q[0]][0]:
            if cnt2 > 0:
                cnt2 -= 1
                ghost = 1
                nw2 -= 1
                nodes2[q[0]] = None
                q2 = q[1:]
        elif nw != 0:
            handed = 0
            if th[H] and cnt2 > 0:
                cnt2 -= 1
                handed = 1
            n = q[0]
            q2 = q[1:]
            nodes2[n] = (0, 1, handed)
            nw2 -= 1
        th[RET] = ghost
        th[PC] = th[RPC]
        return [mk(cnt2=cnt2, nw2=nw2, q2=q2, nodes2=tuple(nodes2))]
    if pc == 'end_iter':
        th[IT] -= 1
        th[PC] = 'start'
        return step_local(st, t, th, old_unlock, mk)
    raise AssertionError(pc)


def step_local(st, t, th, old_unlock, mk):
    """A purely local transition: taken together with the thread's next step."""
    mid = mk(th2=th)
    if th[PC] in ('done',):
        return [mid]
    return step(mid, t, old_unlock)


def explore(spec, old_unlock=False, limit=20_000_000):
    n = len(spec)
    init_th = tuple(('start', 0, 0, 0, 0, 0, iters, 0, '', 0, 0, canc) for iters, canc in spec)
    init = (0, 0, 0, -1, (), tuple([None] * n), init_th)
    seen = {init: None}
    stack = [init]
    while stack:
        st = stack.pop()
        ths = st[6]
        incs = sum(1 for x in ths if x[PC] in ('cs', 'unlock'))
        if incs > 1:
            return ('two holders', st, seen)
        succs = []
        for t in range(n):
            if ths[t][PC] in ('done', 'gone'):
                continue
            try:
                ss = step(st, t, old_unlock)
            except Bad as e:
                return (str(e), st, seen)
            succs.extend(ss)
        if not succs:
            stuck = [t for t in range(n) if ths[t][PC] not in ('done', 'gone')]
            if stuck:
                return ('deadlock/lost wake-up: threads %s stuck' % stuck, st, seen)
            ms, cnt, nw, lk, q, nodes, _ = st
            if ms != 0 or cnt != 0 or nw != 0 or q:
                return ('unclean end: state=%d count=%d nwait=%d queue=%s' % (ms, cnt, nw, q), st, seen)
        for s2 in succs:
            if s2 not in seen:
                seen[s2] = st
                stack.append(s2)
                if len(seen) > limit:
                    return ('limit', st, seen)
    return (None, None, seen)


def trace(st, seen):
    path = []
    while st is not None:
        path.append(st)
        st = seen[st]
    path.reverse()
    for s in path:
        ms, cnt, nw, lk, q, nodes, ths = s
        print('state=%2d (W=%d%s%s%s) count=%d nwait=%d q=%s nodes=%s | %s' % (
            ms, ms >> SH, ' L' if ms & L else '', ' WOKEN' if ms & WK else '', ' STARVING' if ms & S else '',
            cnt, nw, q, nodes, ' '.join('%s:%s' % (i, x[PC]) for i, x in enumerate(ths))))


if __name__ == '__main__':
    old = '--old' in sys.argv
    specs = [
        [(1, 0), (1, 0), (1, 0)],
        [(1, 0), (1, 1), (1, 1)],
        [(2, 0), (1, 1), (1, 0)],
        [(1, 0), (1, 0), (1, 0), (1, 0)],
        [(1, 0), (1, 1), (1, 0), (1, 1)],
        [(2, 0), (2, 0), (1, 1)],
        [(2, 0), (1, 0), (1, 1), (1, 1)],
    ]
    for spec in specs:
        res, st, seen = explore(spec, old_unlock=old)
        print('spec', spec, 'old' if old else ('as is' if DISPATCH else 'mode of release'), '->', res or 'OK', 'states', len(seen), flush=True)
        if res and res != 'limit':
            trace(st, seen)
            if '--stop' in sys.argv:
                break
