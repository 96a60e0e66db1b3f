package hsec

// #include <hsec.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// The measures a run has in force, and the warnings of scenarios and runs.

// Warning is one warning of a scenario or a run: Code is its name
// ("never_in_force", "unreachable", "empty_group", "flat_series"), Message
// names the threat, measure, group or nodes.
type Warning struct {
	Code, Message string
}

// Warning codes, as hsec_warning.
const (
	WarnNeverInForce = int(C.HSEC_WARN_NEVER_IN_FORCE)
	WarnUnreachable  = int(C.HSEC_WARN_UNREACHABLE)
	WarnEmptyGroup   = int(C.HSEC_WARN_EMPTY_GROUP)
	WarnFlatSeries   = int(C.HSEC_WARN_FLAT_SERIES)
)

// WarningName returns the name of a warning code ("" for an unknown one).
func WarningName(code int) string {
	n := C.hsec_warning_name(C.int(code))
	if n == nil {
		return ""
	}
	return C.GoString(n)
}

// maskOf returns the mask of the measures with these ids; an unknown id is
// an *Error naming it (s.mu held).
func (s *Scenario) maskOf(ids []string) ([]byte, error) {
	all := s.measures()
	mask := make([]byte, len(all)+1) // &mask[0] exists
	for _, id := range ids {
		found := false
		for m, have := range all {
			if have == id {
				mask[m], found = 1, true
			}
		}
		if !found {
			return nil, &Error{ErrNotFound, "no measure \"" + id + "\""}
		}
	}
	return mask[:len(all)], nil
}

// packageMask returns the mask of a package's measures; "none" (when no
// package has that id) is no measure (s.mu held).
func (s *Scenario) packageMask(id string) ([]byte, error) {
	n := len(s.measures())
	mask := make([]byte, n+1)
	for p, have := range s.packages() {
		if have == id {
			err := lastErrmsg(func() C.int {
				return C.hsec_scenario_package_mask((*C.uchar)(unsafe.Pointer(&mask[0])), C.size_t(n), s.p, C.size_t(p))
			})
			runtime.KeepAlive(s)
			return mask[:n], err
		}
	}
	if id == "none" {
		return mask[:n], nil
	}
	return nil, &Error{ErrNotFound, "no package \"" + id + "\" (or none, for no measure)"}
}

// runMask runs with the measures of mask in force (s.mu held).
func (s *Scenario) runMask(mask []byte) (*Results, error) {
	var r *C.hsec_result
	buf := append(mask[:len(mask):len(mask)], 0)
	if err := s.do(C.hsec_scenario_run_with(&r, s.p, (*C.uchar)(unsafe.Pointer(&buf[0])), C.size_t(len(mask)))); err != nil {
		return nil, err
	}
	return newResults(r, s), nil
}

// RunMeasures runs the scenario with only the measures of these ids in
// force (none: the no-measure baseline).
func (s *Scenario) RunMeasures(ids ...string) (*Results, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.maskOf(ids)
	if err != nil {
		return nil, err
	}
	return s.runMask(mask)
}

// RunPackage runs the scenario with only a package's measures in force;
// "none" runs it with no measure.
func (s *Scenario) RunPackage(id string) (*Results, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.packageMask(id)
	if err != nil {
		return nil, err
	}
	return s.runMask(mask)
}

// rankMask ranks with the measures of mask in force (s.mu held).
func (s *Scenario) rankMask(mask []byte) ([]float64, error) {
	n := s.nodeCount()
	out := make([]float64, n+1)
	buf := append(mask[:len(mask):len(mask)], 0)
	if err := s.do(C.hsec_scenario_rank_with((*C.double)(unsafe.Pointer(&out[0])), C.size_t(n), s.p,
		(*C.uchar)(unsafe.Pointer(&buf[0])), C.size_t(len(mask)))); err != nil {
		return nil, err
	}
	return out[:n], nil
}

// RankMeasures is Rank with only the measures of these ids in force.
func (s *Scenario) RankMeasures(ids ...string) ([]float64, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.maskOf(ids)
	if err != nil {
		return nil, err
	}
	return s.rankMask(mask)
}

// RankPackage is Rank with only a package's measures in force ("none": no measure).
func (s *Scenario) RankPackage(id string) ([]float64, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.packageMask(id)
	if err != nil {
		return nil, err
	}
	return s.rankMask(mask)
}

// Diagnose finds the scenario's warnings now and returns them (a run finds
// them too; Warnings returns those kept).
func (s *Scenario) Diagnose() ([]Warning, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := s.do(C.hsec_scenario_diagnose(s.p)); err != nil {
		return nil, err
	}
	return s.warnings()
}

// Warnings returns the warnings kept from the scenario's last run or Diagnose.
func (s *Scenario) Warnings() ([]Warning, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.warnings()
}

func (s *Scenario) warnings() ([]Warning, error) {
	out, err := collectWarnings(int(C.hsec_scenario_diagnostic_count(s.p)),
		func(code *C.hsec_warning, msg **C.char, i C.size_t) C.int {
			return C.hsec_scenario_diagnostic(code, msg, s.p, i)
		})
	runtime.KeepAlive(s)
	return out, err
}

// collectWarnings reads n warnings through get (a scenario's or a run's).
func collectWarnings(n int, get func(*C.hsec_warning, **C.char, C.size_t) C.int) ([]Warning, error) {
	out := make([]Warning, n)
	for i := range out {
		var code C.hsec_warning
		var msg *C.char
		if err := lastErrmsg(func() C.int { return get(&code, &msg, C.size_t(i)) }); err != nil {
			return nil, err
		}
		out[i] = Warning{WarningName(int(code)), C.GoString(msg)}
	}
	return out, nil
}

// Warnings returns the run's own warnings (flat_series).
func (r *Results) Warnings() ([]Warning, error) {
	if err := r.hold(); err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	out, err := collectWarnings(int(C.hsec_result_diagnostic_count(r.p)),
		func(code *C.hsec_warning, msg **C.char, i C.size_t) C.int {
			return C.hsec_result_diagnostic(code, msg, r.p, i)
		})
	runtime.KeepAlive(r)
	return out, err
}

// Measures returns the ids of the measures the run had in force, in the
// scenario's order.
func (r *Results) Measures() ([]string, error) {
	if err := r.hold(); err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	n := int(C.hsec_result_measure_count(r.p))
	mask := make([]byte, n+1)
	if err := lastErrmsg(func() C.int {
		return C.hsec_result_measures((*C.uchar)(unsafe.Pointer(&mask[0])), C.size_t(n), r.p)
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(r)
	ids := r.measures
	out := []string{}
	for m := 0; m < n && m < len(ids); m++ {
		if mask[m] != 0 {
			out = append(out, ids[m])
		}
	}
	return out, nil
}
