package hsec

// #include <stdlib.h>
// #include <hsec.h>
import "C"

import (
	"context"
	"math"
	"runtime"
	"unsafe"
)

// NATO's cross-cutting topics and staff branches, labels and
// differentiated impacts (doc/model.md).

// Burden parts by topic and by vulnerability flag (Results.Burden takes a
// topic's or a flag's bit position; TopicCount: threats without a topic;
// FlagCount: the whole population).
const (
	TopicCount  = int(C.HSEC_TOPIC_COUNT)
	FlagCount   = int(C.HSEC_FLAG_COUNT)
	BranchCount = int(C.HSEC_BRANCH_COUNT)
)

// SetLabel labels a region or service added before: free text for display,
// never used to resolve names.
func (m *Model) SetLabel(id, label string) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	i, l := cstr(id), cstr(label)
	defer C.free(unsafe.Pointer(i))
	defer C.free(unsafe.Pointer(l))
	return m.do(C.hsec_model_set_label(m.p, i, l))
}

// ClearLabel removes the label of a region or service.
func (m *Model) ClearLabel(id string) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	return m.do(C.hsec_model_set_label(m.p, i, nil))
}

func topicBits(topics []string) (C.unsigned, error) {
	var bits C.unsigned
	for _, t := range topics {
		k, err := enum(C.HSEC_ENUM_TOPIC, t)
		if err != nil {
			return 0, err
		}
		bits |= 1 << uint(k)
	}
	return bits, nil
}

// SetThreatTopics sets the cross-cutting topics a threat touches
// ("protection_of_civilians", ...), replacing those set before.
func (s *Scenario) SetThreatTopics(id string, topics ...string) error {
	return s.setTopics(id, topics, true)
}

// SetMeasureTopics sets the cross-cutting topics of a measure (labels for
// reports: they change no run).
func (s *Scenario) SetMeasureTopics(id string, topics ...string) error {
	return s.setTopics(id, topics, false)
}

func (s *Scenario) setTopics(id string, topics []string, threat bool) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	bits, err := topicBits(topics)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	if threat {
		return s.do(C.hsec_scenario_set_threat_topics(s.p, i, bits))
	}
	return s.do(C.hsec_scenario_set_measure_topics(s.p, i, bits))
}

// SetMeasureBranch sets the staff branch that owns a measure ("g9_cimic",
// "medical", "engineering", ...; "none" for none).
func (s *Scenario) SetMeasureBranch(id, branch string) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	b, err := enum(C.HSEC_ENUM_BRANCH, branch)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	return s.do(C.hsec_scenario_set_measure_branch(s.p, i, C.hsec_branch(b)))
}

// topics returns the topic names of threat (or else measure) i (s.mu held).
func (s *Scenario) topics(threat bool, i C.size_t) []string {
	var bits C.unsigned
	rc := C.hsec_scenario_measure_topics(&bits, s.p, i)
	if threat {
		rc = C.hsec_scenario_threat_topics(&bits, s.p, i)
	}
	if rc != 0 {
		return nil
	}
	var out []string
	for k := 0; k < TopicCount; k++ {
		if bits>>uint(k)&1 != 0 {
			out = append(out, enumName(C.HSEC_ENUM_TOPIC, C.int(k)))
		}
	}
	return out
}

// branch returns the branch name of measure i (s.mu held).
func (s *Scenario) branch(i C.size_t) string {
	var b C.hsec_branch
	if C.hsec_scenario_measure_branch(&b, s.p, i) != 0 {
		return ""
	}
	return enumName(C.HSEC_ENUM_BRANCH, C.int(b))
}

// Impact is what a run did to the groups carrying one vulnerability flag
// (or to everyone): their burden, its propagated part, their people, the
// burden per person and its ratio to the whole population's (NaN where
// undefined).
type Impact struct {
	Burden, Propagated, People, PerCapita, Ratio float64
}

// Impact returns the differentiated impact on the groups carrying a flag
// ("women", "displaced", ...), or on everyone for "population".
func (r *Results) Impact(flag string) (Impact, error) {
	if err := r.hold(); err != nil {
		return Impact{}, err
	}
	defer r.mu.Unlock()
	idx := C.size_t(FlagCount)
	if flag != "population" {
		k, err := enum(C.HSEC_ENUM_FLAG, flag)
		if err != nil {
			return Impact{}, err
		}
		idx = C.size_t(k)
	}
	var v [C.HSEC_IMPACT_COUNT]C.double
	err := lastErrmsg(func() C.int { return C.hsec_result_impact(&v[0], C.HSEC_IMPACT_COUNT, r.p, idx) })
	runtime.KeepAlive(r)
	return Impact{float64(v[0]), float64(v[1]), float64(v[2]), float64(v[3]), float64(v[4])}, err
}

// CompareBranches returns what each staff branch contributes to package
// pkg: the baseline's total burden minus that of a run with only the
// package's measures owned by that branch (a run per branch its measures
// name), by branch name. baseline is the run with no measure in force.
func (s *Scenario) CompareBranches(baseline *Results, pkg int) (map[string]float64, error) {
	if pkg < 0 {
		return nil, invalid("CompareBranches: package %d is below 0", pkg)
	}
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if baseline == nil {
		return nil, invalid("CompareBranches: baseline is nil")
	}
	if err := baseline.hold(); err != nil {
		return nil, err
	}
	defer baseline.mu.Unlock()
	done, err := s.watch(context.Background())
	if err != nil {
		return nil, err
	}
	var v [C.HSEC_BRANCH_COUNT]C.double
	if err := done(s.do(C.hsec_scenario_compare_branches(&v[0], C.HSEC_BRANCH_COUNT, s.p, baseline.p,
		C.size_t(pkg)))); err != nil {
		return nil, err
	}
	runtime.KeepAlive(baseline)
	out := map[string]float64{}
	for b, x := range v {
		if !math.IsNaN(float64(x)) {
			out[enumName(C.HSEC_ENUM_BRANCH, C.int(b))] = float64(x)
		}
	}
	return out, nil
}

// SetGroupFlags sets a group's vulnerability flags ("women", "children",
// "elderly", "disabled", "indigenous", "displaced", "missing", "minority"),
// replacing those set before.
func (m *Model) SetGroupFlags(group string, flags ...string) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	var bits C.unsigned
	for _, f := range flags {
		k, err := enum(C.HSEC_ENUM_FLAG, f)
		if err != nil {
			return err
		}
		bits |= 1 << uint(k)
	}
	g := cstr(group)
	defer C.free(unsafe.Pointer(g))
	return m.do(C.hsec_model_set_group_flags(m.p, g, bits))
}
