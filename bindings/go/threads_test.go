package hsec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Values under goroutines: calls on one value run one after the other,
// Close waits for a running call, results keep their scenario, and what is
// handed out is a Go copy.

// long keeps a run, or a copy of a series, under way while another
// goroutine acts; channels order the goroutines, the length only keeps the
// window open.
const long = 200000

// generated is a chain of services over a group, with lags, a threat and a
// measure whose targets come in no particular order (a run sorts them
// first), an empty group and a measure never in force (every run rewrites
// both warnings).
func generated(t *testing.T, steps int) *Scenario {
	t.Helper()
	m, err := NewModel()
	check(t, err)
	defer m.Close()
	const services = 40
	check(t, m.AddRegion("r", ""))
	check(t, m.AddGroup("people", "r", 1000))
	check(t, m.Set("people", "recovery", 0.05))
	check(t, m.AddGroup("nobody", "r", 0))
	targets := map[string]float64{}
	var names []string
	for i := 0; i < services; i++ {
		name := fmt.Sprintf("s%d", i)
		check(t, m.AddService(name, "energy", "r"))
		check(t, m.Set(name, "recovery", 0.1))
		targets[name] = 0.5
		names = append([]string{name}, names...)
	}
	for i := 1; i < services; i++ {
		check(t, m.AddLink(fmt.Sprintf("s%d", i-1), fmt.Sprintf("s%d", i), 0.5, i%3))
		check(t, m.AddLink(fmt.Sprintf("s%d", i), "people.health", 0.02, 0))
	}
	s, err := m.Compile()
	check(t, err)
	check(t, s.AddThreat("t", "natural", targets))
	check(t, s.SetThreat("t", "start", 1))
	check(t, s.SetThreat("t", "duration", float64(steps/2)))
	check(t, s.AddMeasure("late", Measure{Kind: "protection", Effect: "shield",
		Actor: "host_government", Strength: 0.5, Targets: append(names, names...),
		Start: float64(steps + 1)}))
	check(t, s.SetOption("mode", 1))
	check(t, s.SetOption("steps", float64(steps)))
	check(t, s.Record("people.health"))
	check(t, s.Record("s0"))
	return s
}

// alone is a run of the generated scenario by itself: its q, burden and
// the series of s0.
type alone struct {
	q, series []float64
	burden    float64
}

func reference(t *testing.T, steps int) alone {
	t.Helper()
	s := generated(t, steps)
	defer s.Close()
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	b, err := r.Burden(BurdenTotal, 0)
	check(t, err)
	series, err := r.Series("s0")
	check(t, err)
	return alone{r.Q, series, b}
}

// running tells whether a call holds the scenario.
func running(s *Scenario) bool {
	if s.mu.TryLock() {
		s.mu.Unlock()
		return false
	}
	return true
}

func isClosed(err error, what string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ErrClosed && e.Message == what+" is closed"
}

// Close waits for the runs under way in other goroutines; those that had
// not begun are refused, and the results of the others read their names
// and document from the closed scenario.
func TestCloseWaitsForRuns(t *testing.T) {
	want := reference(t, long)
	s := generated(t, long)
	const runners = 4
	started := make(chan struct{})
	type outcome struct {
		r   *Results
		err error
	}
	done := make(chan outcome, runners)
	for g := 0; g < runners; g++ {
		go func() {
			started <- struct{}{}
			r, err := s.Run()
			done <- outcome{r, err}
		}()
	}
	for g := 0; g < runners; g++ {
		<-started
	}
	for !running(s) {
		runtime.Gosched()
	}
	s.Close()
	ran := 0
	for g := 0; g < runners; g++ {
		o := <-done
		if o.err != nil {
			if !isClosed(o.err, "scenario") {
				t.Errorf("a run refused by Close: %v", o.err)
			}
			continue
		}
		ran++
		if !reflect.DeepEqual(o.r.Q, want.q) {
			t.Error("a run that Close waited for differs from a run alone")
		}
		series, err := o.r.Series("s0")
		if err != nil || !reflect.DeepEqual(series, want.series) {
			t.Errorf("the series of a closed scenario's results: %v", err)
		}
		if ids, err := o.r.Measures(); err != nil || !reflect.DeepEqual(ids, []string{"late"}) {
			t.Errorf("the measures of a closed scenario's results: %v %v", ids, err)
		}
		o.r.Close()
		o.r.Close()
	}
	if ran == 0 {
		t.Error("Close did not wait for the run under way")
	}
	if _, err := s.Run(); !isClosed(err, "scenario") {
		t.Errorf("a run after Close: %v", err)
	}
	if _, err := s.Node("s0"); !isClosed(err, "scenario") {
		t.Errorf("a getter after Close: %v", err)
	}
	if s.NodeCount() != 0 || s.Measures() != nil {
		t.Error("the getters without an error give nothing after Close")
	}
	s.Close()
}

// Closing results while another goroutine copies their series out: every
// copy is whole, and the copies outlive the results.
func TestResultsCloseRacingSeries(t *testing.T) {
	want := reference(t, long).series
	for round := 0; round < 3; round++ {
		s := generated(t, long)
		r, err := s.Run()
		check(t, err)
		started := make(chan struct{})
		copies := make(chan [][]float64)
		go func() {
			var out [][]float64
			for {
				series, err := r.Series("s0")
				if err != nil {
					if !isClosed(err, "results") {
						t.Errorf("series of closed results: %v", err)
					}
					copies <- out
					return
				}
				out = append(out, series)
				if len(out) == 1 {
					close(started)
				}
			}
		}()
		<-started
		r.Close()
		got := <-copies
		runtime.GC()
		for _, series := range got {
			if !slices.Equal(series, want) {
				t.Fatal("a series copied while the results were closed differs")
			}
		}
		if _, err := r.Burden(BurdenTotal, 0); !isClosed(err, "results") {
			t.Errorf("burden of closed results: %v", err)
		}
		s.Close()
	}
}

// Goroutines running one scenario at once get what a run alone gets.
func TestGoroutinesRunningOneScenario(t *testing.T) {
	s := generated(t, 300)
	r, err := s.Run()
	check(t, err)
	want, err := r.JSON()
	check(t, err)
	r.Close()
	s.Close()
	const goroutines, runs = 8, 6
	for round := 0; round < 5; round++ {
		s := generated(t, 300) // fresh: its first runs sort its targets
		var start, wg sync.WaitGroup
		start.Add(1)
		errs := make(chan error, goroutines*runs)
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start.Wait()
				for k := 0; k < runs; k++ {
					r, err := s.Run()
					if err != nil {
						errs <- err
						continue
					}
					doc, err := r.JSON()
					r.Close()
					warnings, werr := s.Warnings()
					switch {
					case err != nil || werr != nil:
						errs <- fmt.Errorf("%v, %v", err, werr)
					case !bytes.Equal(doc, want):
						errs <- errors.New("a run differs from a run alone")
					case len(warnings) != 2 || warnings[0].Code != "never_in_force" ||
						warnings[1].Code != "empty_group":
						errs <- fmt.Errorf("warnings %v", warnings)
					}
				}
			}()
		}
		start.Done()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		s.Close()
	}
}

// Goroutines failing on one scenario at once each get their own message,
// though the scenario keeps one.
func TestGoroutinesFailingOnOneScenario(t *testing.T) {
	s := generated(t, 50)
	defer s.Close()
	var start, wg sync.WaitGroup
	start.Add(1)
	errs := make(chan string, 8)
	for k := 1; k <= cap(errs); k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			start.Wait()
			for i := 0; i < 5000; i++ {
				err := s.SetOption("steps", float64(-k))
				var e *Error
				if !errors.As(err, &e) || !strings.Contains(e.Message, fmt.Sprintf("-%d ", k)) {
					errs <- fmt.Sprintf("steps -%d: %v", k, err)
					return
				}
			}
		}(k)
	}
	start.Done()
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// Goroutines building one model at once.
func TestGoroutinesBuildingOneModel(t *testing.T) {
	m, err := NewModel()
	check(t, err)
	check(t, m.AddRegion("r", ""))
	const goroutines, services = 8, 2000
	var start, wg sync.WaitGroup
	start.Add(1)
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			start.Wait()
			for i := 0; i < services; i++ {
				id := fmt.Sprintf("g%ds%d", g, i)
				if err := m.AddService(id, "water", "r"); err != nil {
					errs <- err
					return
				}
				if err := m.Set(id, "recovery", 0.5); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	start.Done()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, err := m.Compile()
	check(t, err)
	defer s.Close()
	m.Close()
	if err := m.AddRegion("x", ""); !isClosed(err, "model") {
		t.Errorf("a closed model: %v", err)
	}
	if n := s.NodeCount(); n != goroutines*services {
		t.Errorf("%d nodes, want %d", n, goroutines*services)
	}
}

// What the values hand out are Go copies: still there, and writable, once
// every value is closed and collected.
func TestSlicesAreCopies(t *testing.T) {
	s := generated(t, 100)
	r, err := s.Run()
	check(t, err)
	series, err := r.Series("s0")
	check(t, err)
	rowp, from, weight, lag, err := s.Links()
	check(t, err)
	onset, err := s.OnsetRates()
	check(t, err)
	info, err := s.ThreatAt(0)
	check(t, err)
	want := append([]float64(nil), r.Q...)
	wantSeries := append([]float64(nil), series...)
	wantWeight := append([]float64(nil), weight...)
	q, orders := r.Q, r.Orders
	r.Close()
	s.Close()
	r, s = nil, nil
	runtime.GC()
	runtime.GC()
	if !reflect.DeepEqual(q, want) || !reflect.DeepEqual(series, wantSeries) ||
		!reflect.DeepEqual(weight, wantWeight) {
		t.Error("a slice changed after its value was closed")
	}
	if len(orders) != len(q) || len(rowp) != len(q)+1 || len(from) != len(weight) ||
		len(lag) != len(weight) || len(onset) != len(q) || len(info.Nodes) != 40 {
		t.Error("the slices' lengths")
	}
	q[0], series[0], weight[0], orders[0][0] = 1, 1, 1, 1 // they are the caller's
}
