package hsec

// #include <stdint.h>
// #include <hsec.h>
// int hsecgo_set_progress(hsec_scenario *s, uintptr_t handle);
// void hsecgo_report_progress(hsec_report_options *o, uintptr_t handle);
import "C"

import (
	"context"
	"fmt"
	"runtime/cgo"
	"sync"
)

// Cancellation and progress.
//
// Every call that may run long takes a context.Context as its first
// argument: RunWith, RankWith, Ranking, Coupling, Interdependency,
// Compare, Optimize, OptimizeRange, Ensemble, EnsembleRange and
// ReportHTMLContext. The library asks the package now and then (through
// hsec_scenario_set_progress) whether to go on; once the context is done,
// the call stops, leaves nothing half-done and returns an *Error with Code
// ErrCanceled that unwraps to the context's error: errors.Is(err,
// context.Canceled) and errors.Is(err, hsec.ErrCanceled) both hold. The
// calls without a context (Run, Rank, RunMeasures, RunPackage,
// RankMeasures, RankPackage, CompareBranches, ReportHTML) run as with
// context.Background().

// ProgressFunc is told the work done and the total, in the operation's own
// units (dynamic runs: steps; static runs: iterations; rankings and
// coupling: iterations; interdependency: products; optimisation: subsets
// or packages evaluated; ensembles: members). Returning true stops the
// call (ErrCanceled). Ensembles call it from their worker threads, one call
// at a time.
type ProgressFunc func(done, total uint64) (stop bool)

// progress is what one call's callback consults.
type progress struct {
	ctx context.Context
	fn  ProgressFunc
	s   *Scenario // whose calls fail with ErrState while fn runs

	mu    sync.Mutex
	cause error // why the call was stopped, when it was
}

//export hsecGoProgress
func hsecGoProgress(user C.uintptr_t, done, total C.uint64_t) (stop C.int) {
	p, ok := cgo.Handle(user).Value().(*progress)
	if !ok {
		return 1
	}
	return p.check(uint64(done), uint64(total))
}

// check returns 1 to stop: the context is done or the function says so (a
// panic in it stops the call too, and is reported as its cause).
func (p *progress) check(done, total uint64) (stop C.int) {
	if err := p.ctx.Err(); err != nil {
		p.stop(context.Cause(p.ctx))
		return 1
	}
	if p.fn == nil {
		return 0
	}
	p.s.calling.Store(true)
	defer func() {
		p.s.calling.Store(false)
		if v := recover(); v != nil {
			p.stop(fmt.Errorf("progress function panicked: %v", v))
			stop = 1
		}
	}()
	if p.fn(done, total) {
		return 1
	}
	return 0
}

func (p *progress) stop(cause error) {
	p.mu.Lock()
	if p.cause == nil {
		p.cause = cause
	}
	p.mu.Unlock()
}

// SetProgress sets a function told the progress of every long call on the
// scenario (nil: none); returning true stops the call. It runs on the
// goroutine of the call or, in an ensemble, on the library's threads,
// while the call holds the scenario: calls on the scenario made while it
// runs (from it or from another goroutine) fail with ErrState; it must not
// close the scenario (Close would wait for the call).
func (s *Scenario) SetProgress(fn ProgressFunc) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.progress = fn
	return nil
}

// watch installs the callback for one call of s (s.mu held) and returns
// what to do after it: done(err) uninstalls it and returns err, made to
// unwrap to the context's error when the context stopped the call. A
// context already done stops the call before it starts.
func (s *Scenario) watch(ctx context.Context) (done func(error) error, err error) {
	if ctx == nil {
		return nil, invalid("context is nil")
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Code: ErrCanceled, Message: "canceled before the call: " + err.Error(),
			cause: context.Cause(ctx)}
	}
	if ctx.Done() == nil && s.progress == nil {
		return func(err error) error { return err }, nil
	}
	p := &progress{ctx: ctx, fn: s.progress, s: s}
	h := cgo.NewHandle(p)
	C.hsecgo_set_progress(s.p, C.uintptr_t(h))
	return func(err error) error {
		C.hsecgo_set_progress(s.p, 0)
		h.Delete()
		return p.wrap(err)
	}, nil
}

// wrap attaches the cause of a stop to the library's ErrCanceled.
func (p *progress) wrap(err error) error {
	e, ok := err.(*Error)
	if !ok || e.Code != ErrCanceled {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cause != nil {
		e.cause = p.cause
		e.Message += ": " + p.cause.Error()
	}
	return e
}
