package hsec

// #include <stdlib.h>
// #include <hsec.h>
import "C"

import (
	"context"
	"runtime"
	"sync"
	"unsafe"
)

// Ensembles: many members of a scenario, each with its own draws of the
// uncertain parameters (SetUncertainty), and the quantiles of what they
// give (hsec ensemble; doc/distributed.md for ensembles in parts).

// Ensemble is the members' figures. Like Results, it keeps its scenario
// (its document and bytes need it) until closed.
type Ensemble struct {
	mu       sync.Mutex
	p        *C.hsec_ensemble
	s        *Scenario
	measures []string // the scenario's measures when it ran
}

// newEnsemble wraps an ensemble of s (s.mu held).
func newEnsemble(p *C.hsec_ensemble, s *Scenario) *Ensemble {
	e := &Ensemble{p: p, s: s, measures: s.measures()}
	s.keep()
	runtime.SetFinalizer(e, (*Ensemble).Close)
	return e
}

// Close frees the ensemble; closing twice is fine.
func (e *Ensemble) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		C.hsec_ensemble_free(e.p)
		e.p = nil
		e.s.forget()
	}
}

func (e *Ensemble) hold() error {
	e.mu.Lock()
	if e.p == nil {
		e.mu.Unlock()
		return closed("ensemble")
	}
	return nil
}

// SetQuantiles sets the quantiles an ensemble document reports (1 .. 32
// values in [0,1]; default 0.05, 0.5, 0.95).
func (s *Scenario) SetQuantiles(qs ...float64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if len(qs) == 0 {
		return invalid("SetQuantiles: no quantiles (give 1 .. 32)")
	}
	in := append(qs[:len(qs):len(qs)], 0)
	return s.do(C.hsec_scenario_set_quantiles(s.p, dptr(in[:len(qs)]), C.size_t(len(qs))))
}

// Quantiles returns the quantiles an ensemble document reports.
func (s *Scenario) Quantiles() []float64 {
	if s.hold() != nil {
		return nil
	}
	defer s.mu.Unlock()
	return s.quantiles()
}

func (s *Scenario) quantiles() []float64 {
	var n C.size_t
	q := C.hsec_scenario_quantiles(s.p, &n)
	out := make([]float64, int(n))
	if n > 0 {
		copy(out, unsafe.Slice((*float64)(unsafe.Pointer(q)), int(n)))
	}
	runtime.KeepAlive(s)
	return out
}

// Ensemble runs the scenario's members (OptMembers, on OptThreads
// threads) with the measures of in in force; ctx stops it. The figures do
// not depend on the thread count.
func (s *Scenario) Ensemble(ctx context.Context, in InForce) (*Ensemble, error) {
	var e *C.hsec_ensemble
	if err := s.withMask(ctx, in, func(m *C.uchar, n C.size_t) C.int {
		return C.hsec_scenario_ensemble(&e, s.p, m, n)
	}); err != nil {
		return nil, err
	}
	return newEnsemble(e, s), nil
}

// EnsembleRange runs members first .. last - 1 of the ensemble, as one
// worker of a distributed ensemble (MergeEnsembles joins the parts); ctx
// stops it.
func (s *Scenario) EnsembleRange(ctx context.Context, in InForce, first, last uint64) (*Ensemble, error) {
	var e *C.hsec_ensemble
	if err := s.withMask(ctx, in, func(m *C.uchar, n C.size_t) C.int {
		return C.hsec_scenario_ensemble_range(&e, s.p, m, n, C.uint64_t(first), C.uint64_t(last))
	}); err != nil {
		return nil, err
	}
	return newEnsemble(e, s), nil
}

// LoadEnsemble reads back an ensemble, whole or a part, from the bytes of
// Ensemble.Bytes, checking that they are of this scenario.
func (s *Scenario) LoadEnsemble(data []byte) (*Ensemble, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	buf := append(data[:len(data):len(data)], 0)
	var e *C.hsec_ensemble
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_ensemble_load(&e, s.p, unsafe.Pointer(&buf[0]), C.size_t(len(data)))
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(s)
	return newEnsemble(e, s), nil
}

// MergeEnsembles joins parts of one ensemble (EnsembleRange or
// LoadEnsemble), in any order, holding every member once: the same
// figures as Ensemble, bit for bit. The parts stay open.
func MergeEnsembles(parts ...*Ensemble) (*Ensemble, error) {
	if len(parts) == 0 {
		return nil, invalid("MergeEnsembles: no parts")
	}
	s := parts[0].s
	for i, p := range parts {
		if p == nil {
			return nil, invalid("MergeEnsembles: part %d is nil", i)
		}
		if p.s != s {
			return nil, invalid("MergeEnsembles: part %d is of another scenario", i)
		}
		for j, q := range parts[:i] {
			if q == p {
				return nil, invalid("MergeEnsembles: part %d is part %d again", i, j)
			}
		}
	}
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	ptrs := make([]*C.hsec_ensemble, len(parts))
	for i, p := range parts {
		if err := p.hold(); err != nil {
			for _, q := range parts[:i] {
				q.mu.Unlock()
			}
			return nil, err
		}
		defer p.mu.Unlock()
		ptrs[i] = p.p
	}
	var e *C.hsec_ensemble
	if err := lastErrmsg(func() C.int {
		return C.hsec_ensemble_merge(&e, &ptrs[0], C.size_t(len(ptrs)))
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(parts)
	return newEnsemble(e, s), nil
}

// Members returns how many members the ensemble holds (0 once closed).
func (e *Ensemble) Members() uint64 {
	if e.hold() != nil {
		return 0
	}
	defer e.mu.Unlock()
	return uint64(C.hsec_ensemble_members(e.p))
}

// Range returns the members the ensemble holds, first .. last - 1, of
// total.
func (e *Ensemble) Range() (first, last, total uint64, err error) {
	if err := e.hold(); err != nil {
		return 0, 0, 0, err
	}
	defer e.mu.Unlock()
	var f, l, t C.uint64_t
	err = lastErrmsg(func() C.int { return C.hsec_ensemble_range(&f, &l, &t, e.p) })
	runtime.KeepAlive(e)
	return uint64(f), uint64(l), uint64(t), err
}

// Measures returns the ids of the measures the members had in force.
func (e *Ensemble) Measures() ([]string, error) {
	if err := e.hold(); err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	n := len(e.measures)
	mask := make([]byte, n+1)
	if err := lastErrmsg(func() C.int {
		return C.hsec_ensemble_measures((*C.uchar)(unsafe.Pointer(&mask[0])), C.size_t(n), e.p)
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(e)
	out := []string{}
	for m, id := range e.measures {
		if mask[m] != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

func quantityArgs(what Quantity, index, sub int) error {
	if what < QtyBurden || what > QtyRecorded {
		return invalid("quantity %d is not one of QtyBurden .. QtyRecorded", int(what))
	}
	if index < 0 || sub < 0 {
		return invalid("quantity %s: index %d, sub %d: below 0", what, index, sub)
	}
	return nil
}

// Quantile returns the q-quantile (q in [0,1]) of a quantity across the
// members: QtyBurden with index a BurdenPart and sub its index,
// QtyGroupPeak or QtyGroupLast with index a group, QtyRecorded with index
// a recorded node.
func (e *Ensemble) Quantile(what Quantity, index, sub int, q float64) (float64, error) {
	if err := quantityArgs(what, index, sub); err != nil {
		return 0, err
	}
	if err := e.hold(); err != nil {
		return 0, err
	}
	defer e.mu.Unlock()
	var out C.double
	err := lastErrmsg(func() C.int {
		return C.hsec_ensemble_quantile(&out, e.p, C.hsec_quantity(what), C.size_t(index),
			C.size_t(sub), C.double(q))
	})
	runtime.KeepAlive(e)
	return float64(out), err
}

// Values returns every member's value of a quantity, in member order.
func (e *Ensemble) Values(what Quantity, index, sub int) ([]float64, error) {
	if err := quantityArgs(what, index, sub); err != nil {
		return nil, err
	}
	if err := e.hold(); err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	n := int(C.hsec_ensemble_members(e.p))
	out := doubles(n)
	err := lastErrmsg(func() C.int {
		return C.hsec_ensemble_values(dptr(out), C.size_t(n), e.p, C.hsec_quantity(what),
			C.size_t(index), C.size_t(sub))
	})
	runtime.KeepAlive(e)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// JSON returns the ensemble document with the scenario's quantiles, as hsec
// ensemble writes it.
func (e *Ensemble) JSON() ([]byte, error) {
	s := e.s
	if err := s.lock(); err != nil { // the scenario's lock before the ensemble's
		return nil, err
	}
	defer s.mu.Unlock()
	if err := e.hold(); err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	qs := append(s.quantiles(), 0)
	var text *C.char
	var size C.size_t
	err := lastErrmsg(func() C.int {
		return C.hsec_doc_ensemble_json(&text, &size, e.p, dptr(qs[:len(qs)-1]),
			C.size_t(len(qs)-1), s.p)
	})
	runtime.KeepAlive(e)
	if err != nil {
		return nil, err
	}
	defer C.hsec_free_string(text)
	return C.GoBytes(unsafe.Pointer(text), C.int(size)), nil
}

// Bytes returns the ensemble, whole or a part, as bytes to send or store
// (doc/distributed.md); LoadEnsemble reads them back.
func (e *Ensemble) Bytes() ([]byte, error) {
	s := e.s
	if err := s.lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := e.hold(); err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	var out *C.uchar
	var size C.size_t
	err := lastErrmsg(func() C.int { return C.hsec_doc_ensemble_save(&out, &size, e.p, s.p) })
	runtime.KeepAlive(e)
	if err != nil {
		return nil, err
	}
	defer C.hsec_free_bytes(out)
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

// Table returns the ensemble's raw figures: width values per member, in
// an order of the library's own (doc/distributed.md), member major.
func (e *Ensemble) Table() (table []float64, width int, err error) {
	if err := e.hold(); err != nil {
		return nil, 0, err
	}
	defer e.mu.Unlock()
	width = int(C.hsec_ensemble_width(e.p))
	n := width * int(C.hsec_ensemble_members(e.p))
	table = doubles(n)
	err = lastErrmsg(func() C.int { return C.hsec_ensemble_table(dptr(table), C.size_t(n), e.p) })
	runtime.KeepAlive(e)
	if err != nil {
		return nil, 0, err
	}
	return table, width, nil
}

// EnsembleFromTable makes an ensemble of members first .. last - 1, with
// the measures of in in force, from a table of their raw figures (Table),
// copied.
func (s *Scenario) EnsembleFromTable(in InForce, first, last uint64, table []float64) (*Ensemble, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.mask(in)
	if err != nil {
		return nil, err
	}
	m, ml := cmask(mask)
	t := append(table[:len(table):len(table)], 0)
	var e *C.hsec_ensemble
	if err := lastErrmsg(func() C.int {
		return C.hsec_scenario_ensemble_from_table(&e, s.p, m, ml, C.uint64_t(first),
			C.uint64_t(last), dptr(t[:len(table)]), C.size_t(len(table)))
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(s)
	return newEnsemble(e, s), nil
}
