// The bench workloads in Go: the channel workloads of issue 3 (ping-pong, ring, fan-in,
// skynet) and the rest of `weft bench` (spawn, fork-join fib, sleepers, yield, mixed), each
// the same algorithm as weft-cli's dev.weft.cli.bench.Workloads.
//
//	GOMAXPROCS=1 go run . -w ring -reps 5
//
// Each workload checks its own result (it panics when wrong, so a broken run is never a
// number) and prints, per repetition, the time per operation (round trip, hop, message, ...),
// then the mean, min and max. With -raw it prints one line "RAW <nanoseconds>" per repetition
// instead (for mixed: the p99 latency in nanoseconds): that is what `weft bench --with-go`
// reads; it builds this program with `go build` and passes the same sizes as its own.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func sumBelow(n int64) int64 { return n * (n - 1) / 2 }

func spawn(n int) int64 {
	start := time.Now()
	var sum int64
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		k := int64(i)
		go func() {
			atomic.AddInt64(&sum, k)
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if sum != sumBelow(int64(n)) {
		panic("spawn sum")
	}
	return el.Nanoseconds()
}

func pingPong(rounds int) int64 {
	start := time.Now()
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
		close(done)
	}()
	s := 0
	for i := 0; i < rounds; i++ {
		ping <- i & 127
		s += <-pong
	}
	<-done
	el := time.Since(start)
	if s != (rounds/128)*(127*128/2)+(rounds%128)*(rounds%128-1)/2 {
		panic("ping-pong sum")
	}
	return el.Nanoseconds()
}

const ringSize = 503

func ring(hops int) int64 {
	start := time.Now()
	cs := make([]chan int, ringSize)
	for i := range cs {
		cs[i] = make(chan int)
	}
	finisher := -1
	var wg sync.WaitGroup
	for i := 0; i < ringSize; i++ {
		wg.Add(1)
		id, in, out, next := i, cs[i], cs[(i+1)%ringSize], (i+1)%ringSize
		go func() {
			defer wg.Done()
			for {
				v := <-in
				if v > 0 {
					out <- v - 1
				} else if v == 0 {
					finisher = id
					out <- -(id + 1)
					return
				} else {
					if next != -v-1 {
						out <- v
					}
					return
				}
			}
		}()
	}
	cs[0] <- hops
	wg.Wait()
	el := time.Since(start)
	if finisher != hops%ringSize {
		panic("ring finisher")
	}
	return el.Nanoseconds()
}

const perProducer, fanInCap, consumers = 100, 1024, 4

func fanIn(producers int) int64 {
	start := time.Now()
	q := make(chan int, fanInCap)
	var sum, count int64
	var cwg, pwg sync.WaitGroup
	for c := 0; c < consumers; c++ {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			var s, n int64
			for v := range q {
				s += int64(v)
				n++
			}
			atomic.AddInt64(&sum, s)
			atomic.AddInt64(&count, n)
		}()
	}
	for i := 0; i < producers; i++ {
		pwg.Add(1)
		base := i * perProducer
		go func() {
			defer pwg.Done()
			for k := 0; k < perProducer; k++ {
				q <- base + k
			}
		}()
	}
	pwg.Wait()
	close(q)
	cwg.Wait()
	el := time.Since(start)
	n := int64(producers * perProducer)
	if count != n || sum != sumBelow(n) {
		panic("fan-in count/sum")
	}
	return el.Nanoseconds()
}

func skynet(c chan int64, num int64, size int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int64)
	sub := size / 10
	for i := 0; i < 10; i++ {
		go skynet(rc, num+int64(i*sub), sub)
	}
	var s int64
	for i := 0; i < 10; i++ {
		s += <-rc
	}
	c <- s
}

func skynetRun(leaves int) int64 {
	start := time.Now()
	c := make(chan int64)
	go skynet(c, 0, leaves)
	r := <-c
	el := time.Since(start)
	if r != sumBelow(int64(leaves)) {
		panic("skynet sum")
	}
	return el.Nanoseconds()
}

const fibCutoff = 12

func fibSeq(n int) int64 {
	var a, b int64 = 0, 1
	for i := 0; i < n; i++ {
		a, b = b, a+b
	}
	return a
}

// fibForked forks fib(n-1) as a goroutine (its result comes back on a channel, Go's future)
// and computes fib(n-2) itself, down to the cutoff.
func fibForked(n int) int64 {
	if n < fibCutoff {
		return fibSeq(n)
	}
	left := make(chan int64, 1)
	go func() { left <- fibForked(n - 1) }()
	right := fibForked(n - 2)
	return <-left + right
}

// fibTasks is the number of goroutines fibForked(n) starts: one per call of n >= the cutoff.
func fibTasks(n int) int64 {
	var below, at int64
	for k := fibCutoff; k <= n; k++ {
		below, at = at, 1+at+below
	}
	return at
}

func fib(n int) int64 {
	start := time.Now()
	r := fibForked(n)
	el := time.Since(start)
	if r != fibSeq(n) {
		panic("fib")
	}
	return el.Nanoseconds()
}

const sleepFor = 10 * time.Millisecond

func sleepers(n int) int64 {
	start := time.Now()
	var woke, early int64
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			time.Sleep(sleepFor)
			if time.Since(t0) < sleepFor {
				atomic.AddInt64(&early, 1)
			}
			atomic.AddInt64(&woke, 1)
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if woke != int64(n) || early != 0 {
		panic("sleepers")
	}
	return el.Nanoseconds()
}

func yieldsEach(tasks, yields int) int {
	if yields/tasks < 1 {
		return 1
	}
	return yields / tasks
}

func yield(tasks, yields int) int64 {
	each := yieldsEach(tasks, yields)
	start := time.Now()
	var done int64
	var wg sync.WaitGroup
	for i := 0; i < tasks; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < each; k++ {
				runtime.Gosched()
			}
			atomic.AddInt64(&done, int64(each))
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if done != int64(tasks*each) {
		panic("yield count")
	}
	return el.Nanoseconds()
}

var hogSink int64

// mixed: a ping-pong pair doing rounds round trips 1 ms apart beside hogs CPU hogs (Go has no
// priorities; its 10 ms async preemption is what lets the pair in). The latency of a round is
// the time beyond the 1 ms sleep, with coordinated-omission correction as HdrHistogram's
// recordValueWithExpectedInterval does it: a round that took k ms also records the k-1
// rounds a 1 ms schedule would have made meanwhile. Returns the p99 in nanoseconds.
func mixed(rounds, hogs int) int64 {
	const pause = time.Millisecond
	var done int32
	deadline := time.Now().Add(time.Duration(100+2*rounds) * time.Millisecond)
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
	}()
	var lat []int64
	pinged := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			s := time.Now()
			time.Sleep(pause)
			ping <- i & 127
			if <-pong != i&127 {
				panic("mixed out of order")
			}
			l := time.Since(s).Nanoseconds() - pause.Nanoseconds()
			if l < 0 {
				l = 0
			}
			lat = append(lat, l)
			for m := l - pause.Nanoseconds(); m >= pause.Nanoseconds(); m -= pause.Nanoseconds() {
				lat = append(lat, m)
			}
		}
		close(pinged)
	}()
	var wg sync.WaitGroup
	for i := 0; i < hogs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var x int64
			for atomic.LoadInt32(&done) == 0 && time.Now().Before(deadline) {
				for j := int64(0); j < 1000; j++ {
					x += int64(trailingZeros(x+j)) + 1
				}
			}
			atomic.AddInt64(&hogSink, x)
		}()
	}
	<-pinged
	atomic.StoreInt32(&done, 1)
	wg.Wait()
	if len(lat) < rounds {
		panic("mixed rounds")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[(len(lat)*99+99)/100-1]
}

func trailingZeros(x int64) int {
	if x == 0 {
		return 64
	}
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

type workload struct {
	run  func() int64
	ops  func() float64 // what a run's nanoseconds are divided by for the per-operation figure
	unit string
}

func main() {
	w := flag.String("w", "all", "workload: spawn, skynet, pingpong, ring, fanin, fib, sleepers, yield, mixed or all")
	reps := flag.Int("reps", 5, "measured repetitions")
	warmup := flag.Bool("warmup", true, "one unmeasured repetition first")
	raw := flag.Bool("raw", false, "print RAW <nanoseconds> per repetition (for weft bench)")
	nSpawn := flag.Int("spawn", 1000000, "spawn: goroutines")
	leaves := flag.Int("leaves", 1000000, "skynet: leaves (a power of 10)")
	rounds := flag.Int("rounds", 1000000, "ping-pong round trips")
	hops := flag.Int("hops", 10000000, "ring hops")
	producers := flag.Int("producers", 10000, "fan-in producers (100 messages each)")
	fibN := flag.Int("fib", 32, "fork-join fib(n), cutoff 12")
	nSleepers := flag.Int("sleepers", 100000, "sleepers (10 ms each)")
	tasks := flag.Int("tasks", 2, "yield: goroutines")
	yields := flag.Int("yields", 1000000, "yield: yields in all, shared among the goroutines")
	mixedRounds := flag.Int("mixedrounds", 200, "mixed: timed round trips")
	hogs := flag.Int("hogs", 2*runtime.NumCPU(), "mixed: CPU hogs")
	flag.Parse()
	work := map[string]workload{
		"spawn":    {func() int64 { return spawn(*nSpawn) }, func() float64 { return float64(*nSpawn) }, "ns/task"},
		"skynet":   {func() int64 { return skynetRun(*leaves) }, func() float64 { return float64(*leaves) }, "ns/leaf"},
		"pingpong": {func() int64 { return pingPong(*rounds) }, func() float64 { return float64(*rounds) }, "ns/round trip"},
		"ring":     {func() int64 { return ring(*hops) }, func() float64 { return float64(*hops) }, "ns/hop"},
		"fanin":    {func() int64 { return fanIn(*producers) }, func() float64 { return float64(*producers * perProducer) }, "ns/message"},
		"fib":      {func() int64 { return fib(*fibN) }, func() float64 { return float64(fibTasks(*fibN)) }, "ns/task"},
		"sleepers": {func() int64 { return sleepers(*nSleepers) }, func() float64 { return float64(*nSleepers) }, "ns/sleeper"},
		"yield": {func() int64 { return yield(*tasks, *yields) },
			func() float64 { return float64(*tasks * yieldsEach(*tasks, *yields)) }, "ns/yield"},
		"mixed": {func() int64 { return mixed(*mixedRounds, *hogs) }, func() float64 { return 1000 }, "µs p99"},
	}
	names := []string{"spawn", "skynet", "pingpong", "ring", "fanin", "fib", "sleepers", "yield", "mixed"}
	if *w != "all" {
		if _, ok := work[*w]; !ok {
			fmt.Fprintln(os.Stderr, "unknown workload", *w)
			os.Exit(2)
		}
		names = []string{*w}
	}
	for _, name := range names {
		wl := work[name]
		if *warmup {
			wl.run()
		}
		xs := make([]float64, *reps)
		for i := range xs {
			nanos := wl.run()
			if *raw {
				fmt.Printf("RAW %d\n", nanos)
			}
			xs[i] = float64(nanos) / wl.ops()
		}
		if *raw {
			continue
		}
		sorted := append([]float64(nil), xs...)
		sort.Float64s(sorted)
		mean := 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= float64(len(xs))
		fmt.Printf("%-8s GOMAXPROCS=%d %s: mean %.1f  min %.1f  max %.1f  runs %.1f\n",
			name, runtime.GOMAXPROCS(0), wl.unit, mean, sorted[0], sorted[len(sorted)-1], xs)
	}
}
