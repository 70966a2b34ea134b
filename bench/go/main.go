// The channel workloads of issue 3 in Go, for a side-by-side with weft's ChanBench (JMH).
//
//	GOMAXPROCS=1 go run . -w ring -reps 5
//
// Each workload checks its own result and prints, per repetition, the time per operation
// (round trip, hop, message or run), then the mean, min and max.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

func pingPong(rounds int) (float64, string) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
	}()
	start := time.Now()
	s := 0
	for i := 0; i < rounds; i++ {
		ping <- i
		s += <-pong
	}
	el := time.Since(start)
	if s != rounds*(rounds-1)/2 {
		panic("ping-pong sum")
	}
	return float64(el.Nanoseconds()) / float64(rounds), "ns/round trip"
}

const ringSize = 503

func ring(hops int) (float64, string) {
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
	return float64(el.Nanoseconds()) / float64(hops), "ns/hop"
}

func fanIn() (float64, string) {
	const producers, per, consumers = 10000, 100, 4
	start := time.Now()
	q := make(chan int, 1024)
	var mu sync.Mutex
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
			mu.Lock()
			sum += s
			count += n
			mu.Unlock()
		}()
	}
	for i := 0; i < producers; i++ {
		pwg.Add(1)
		base := i * per
		go func() {
			defer pwg.Done()
			for k := 0; k < per; k++ {
				q <- base + k
			}
		}()
	}
	pwg.Wait()
	close(q)
	cwg.Wait()
	el := time.Since(start)
	n := int64(producers * per)
	if count != n || sum != n*(n-1)/2 {
		panic("fan-in count/sum")
	}
	return float64(el.Nanoseconds()) / float64(n), "ns/message"
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

func skynetRun() (float64, string) {
	start := time.Now()
	c := make(chan int64)
	go skynet(c, 0, 1000000)
	r := <-c
	el := time.Since(start)
	if r != 499999500000 {
		panic("skynet sum")
	}
	return float64(el.Nanoseconds()) / 1e6, "ms/run"
}

func main() {
	w := flag.String("w", "all", "workload: pingpong, ring, fanin, skynet or all")
	reps := flag.Int("reps", 5, "measured repetitions (after one warm-up)")
	rounds := flag.Int("rounds", 1000000, "ping-pong round trips")
	hops := flag.Int("hops", 10000000, "ring hops")
	flag.Parse()
	work := map[string]func() (float64, string){
		"pingpong": func() (float64, string) { return pingPong(*rounds) },
		"ring":     func() (float64, string) { return ring(*hops) },
		"fanin":    fanIn,
		"skynet":   skynetRun,
	}
	names := []string{"pingpong", "ring", "fanin", "skynet"}
	if *w != "all" {
		if work[*w] == nil {
			fmt.Fprintln(os.Stderr, "unknown workload", *w)
			os.Exit(2)
		}
		names = []string{*w}
	}
	for _, name := range names {
		f := work[name]
		f() // warm-up
		xs := make([]float64, *reps)
		unit := ""
		for i := range xs {
			xs[i], unit = f()
		}
		sorted := append([]float64(nil), xs...)
		sort.Float64s(sorted)
		mean := 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= float64(len(xs))
		fmt.Printf("%-8s GOMAXPROCS=%d %s: mean %.1f  min %.1f  max %.1f  runs %.1f\n",
			name, runtime.GOMAXPROCS(0), unit, mean, sorted[0], sorted[len(sorted)-1], xs)
	}
}
