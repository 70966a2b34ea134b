// What Go's own execution tracer costs on the two workloads of weft's trace-cost target
// (docs/BENCHMARKS.md, issue 15): channel ping-pong and skynet at GOMAXPROCS 1, each run with and
// without runtime/trace recording into a file, medians of 11 alternating runs.
//
//	cd bench/go-trace && go run .
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sort"
	"time"
)

const N = 1000000

func pingpong() float64 {
	a, b := make(chan int), make(chan int)
	go func() {
		for i := 0; i < N; i++ {
			v := <-a
			b <- v
		}
	}()
	t0 := time.Now()
	for i := 0; i < N; i++ {
		a <- i
		<-b
	}
	return float64(time.Since(t0).Nanoseconds()) / N
}

func skynetNode(num, size int, c chan int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	step := size / 10
	for i := 0; i < 10; i++ {
		go skynetNode(num+i*step, step, rc)
	}
	sum := 0
	for i := 0; i < 10; i++ {
		sum += <-rc
	}
	c <- sum
}

func skynet() float64 {
	c := make(chan int, 1)
	t0 := time.Now()
	skynetNode(0, 1000000, c)
	<-c
	return float64(time.Since(t0).Nanoseconds()) / 1111111
}

func med(x []float64) float64 { sort.Float64s(x); return x[len(x)/2] }

func main() {
	runtime.GOMAXPROCS(1)
	for _, w := range []struct {
		name string
		f    func() float64
	}{{"ping-pong", pingpong}, {"skynet", skynet}} {
		var off, on []float64
		for r := 0; r < 11; r++ {
			runtime.GC()
			off = append(off, w.f())
			f, err := os.Create(os.DevNull)
			if err != nil {
				panic(err)
			}
			runtime.GC()
			trace.Start(f)
			on = append(on, w.f())
			trace.Stop()
			f.Close()
		}
		fmt.Printf("%s off %.0f on %.0f ratio %.2f\n", w.name, med(off), med(on), med(on)/med(off))
	}
}
