package hsec

// #include <hsec.h>
import "C"

import (
	"context"
	"runtime"
	"unsafe"
)

// The measures a run has in force, and the warnings of scenarios and runs.

// Warning is one warning of a scenario or a run: Code is its name
// ("never_in_force", "unreachable", "empty_group", "flat_series"), Kind the
// same as a WarningCode, Message names the threat, measure, group or nodes.
type Warning struct {
	Code, Message string
	Kind          WarningCode
}

// WarningCode is a kind of warning (hsec_warning); String gives its name.
type WarningCode int

// Warning codes, as hsec_warning.
const (
	WarnNeverInForce WarningCode = C.HSEC_WARN_NEVER_IN_FORCE // never in force within the horizon
	WarnUnreachable  WarningCode = C.HSEC_WARN_UNREACHABLE    // a measure where no degradation arrives
	WarnEmptyGroup   WarningCode = C.HSEC_WARN_EMPTY_GROUP    // a group of size 0
	WarnFlatSeries   WarningCode = C.HSEC_WARN_FLAT_SERIES    // recorded series all 0 (a run's)
)

// String returns the warning's name ("" for an unknown code).
func (w WarningCode) String() string { return WarningName(w) }

// WarningName returns the name of a warning code ("" for an unknown one).
func WarningName(code WarningCode) string {
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
			return nil, &Error{Code: ErrNotFound, Message: "no measure \"" + id + "\""}
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
	return nil, &Error{Code: ErrNotFound, Message: "no package \"" + id + "\" (or none, for no measure)"}
}

// RunMeasures runs the scenario with only the measures of these ids in
// force (none: the no-measure baseline); RunWith(ctx, Measures(ids...))
// with a context.
func (s *Scenario) RunMeasures(ids ...string) (*Results, error) {
	return s.RunWith(context.Background(), Measures(ids...))
}

// RunPackage runs the scenario with only a package's measures in force;
// "none" runs it with no measure. RunWith(ctx, Package(id)) with a context.
func (s *Scenario) RunPackage(id string) (*Results, error) {
	return s.RunWith(context.Background(), Package(id))
}

// RankMeasures is Rank with only the measures of these ids in force.
func (s *Scenario) RankMeasures(ids ...string) ([]float64, error) {
	return s.RankWith(context.Background(), Measures(ids...))
}

// RankPackage is Rank with only a package's measures in force ("none": no measure).
func (s *Scenario) RankPackage(id string) ([]float64, error) {
	return s.RankWith(context.Background(), Package(id))
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
		out[i] = Warning{Code: WarningName(WarningCode(code)), Message: C.GoString(msg),
			Kind: WarningCode(code)}
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
