package hsec

// #include <stdlib.h>
// #include <hsec.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// The rest of the library: limits, bulk links, timing, the scenario's own
// figures, the results' by name, documents and conversions.

// durationOf maps Measure.Duration's zero value to persistent.
func durationOf(d float64) float64 {
	if d == 0 {
		return Persistent
	}
	return d
}

var measureTimings = map[string]C.hsec_timing{"start": C.HSEC_TIMING_START,
	"duration": C.HSEC_TIMING_DURATION, "ramp": C.HSEC_TIMING_RAMP, "cost": C.HSEC_TIMING_COST}

// SetMeasure sets a measure's "start", "duration" (steps, or Persistent),
// "ramp" (steps to full strength) or "cost", as SetThreat a threat's.
func (s *Scenario) SetMeasure(id, what string, value float64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t, ok := measureTimings[what]
	if !ok {
		return invalid("SetMeasure: %q is not start, duration, ramp or cost%s", what,
			didYouMean(what, []string{"start", "duration", "ramp", "cost"}))
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	return s.do(C.hsec_scenario_set_measure(s.p, i, t, C.double(value)))
}

func limitOf(what Limit) (C.hsec_limit, error) {
	if what < LimitNodes || what > LimitMemory {
		return 0, invalid("limit %d is not one of LimitNodes .. LimitMemory", int(what))
	}
	return C.hsec_limit(what), nil
}

// SetLimit sets one of the model's limits (LimitNodes, LimitLinks,
// LimitMemory), checked before it compiles.
func (m *Model) SetLimit(what Limit, value uint64) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	l, err := limitOf(what)
	if err != nil {
		return err
	}
	return m.do(C.hsec_model_set_limit(m.p, l, C.uint64_t(value)))
}

// Limit returns one of the model's limits (math.MaxUint64 when not set).
func (m *Model) Limit(what Limit) (uint64, error) {
	if err := m.hold(); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	l, err := limitOf(what)
	if err != nil {
		return 0, err
	}
	var v C.uint64_t
	err = m.do(C.hsec_model_get_limit(&v, m.p, l))
	return uint64(v), err
}

// SetLimit sets the scenario's memory limit (LimitMemory only), checked
// before a run, ensemble, comparison or search allocates.
func (s *Scenario) SetLimit(what Limit, value uint64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	l, err := limitOf(what)
	if err != nil {
		return err
	}
	return s.do(C.hsec_scenario_set_limit(s.p, l, C.uint64_t(value)))
}

// Limit returns the scenario's memory limit.
func (s *Scenario) Limit(what Limit) (uint64, error) {
	if err := s.hold(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	l, err := limitOf(what)
	if err != nil {
		return 0, err
	}
	var v C.uint64_t
	err = s.do(C.hsec_scenario_get_limit(&v, s.p, l))
	return uint64(v), err
}

// Memory returns about the bytes the compiled model, the targets and one
// run take together; ErrLimit (with the bytes) when that exceeds the
// scenario's memory limit.
func (s *Scenario) Memory() (uint64, error) {
	if err := s.hold(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var b C.uint64_t
	err := lastErrmsg(func() C.int { return C.hsec_scenario_memory(&b, s.p) })
	runtime.KeepAlive(s)
	return uint64(b), err
}

// Stamp returns a number that stands for the scenario as it is: every
// change gives it a new one (0 once closed).
func (s *Scenario) Stamp() uint64 {
	if s.hold() != nil {
		return 0
	}
	defer s.mu.Unlock()
	return uint64(C.hsec_scenario_stamp(s.p))
}

// SetStepUnit sets the label of one step ("day" by default).
func (s *Scenario) SetStepUnit(unit string) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	u := cstr(unit)
	defer C.free(unsafe.Pointer(u))
	return s.do(C.hsec_scenario_set_step_unit(s.p, u))
}

// StepUnit returns the label of one step ("" once closed).
func (s *Scenario) StepUnit() string {
	if s.hold() != nil {
		return ""
	}
	defer s.mu.Unlock()
	return C.GoString(C.hsec_scenario_step_unit(s.p))
}

// Recorded returns the names of the recorded nodes, in the order first
// recorded (nil once closed).
func (s *Scenario) Recorded() []string {
	if s.hold() != nil {
		return nil
	}
	defer s.mu.Unlock()
	var n C.size_t
	p := C.hsec_scenario_recorded(s.p, &n)
	out := make([]string, int(n))
	if n > 0 {
		for i, node := range unsafe.Slice(p, int(n)) {
			out[i] = s.nodeName(int(node))
		}
	}
	runtime.KeepAlive(s)
	return out
}

// AddLinks adds links in bulk: link i joins from[i] -> to[i] with
// weight[i] and lag[i] (lag nil: every lag 0); the first link that fails
// is named by its index, and then none is added.
func (m *Model) AddLinks(from, to []string, weight, lag []float64) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	n := len(from)
	if len(to) != n || len(weight) != n || (lag != nil && len(lag) != n) {
		return invalid("AddLinks: %d from, %d to, %d weights and %d lags: not one each",
			len(from), len(to), len(weight), len(lag))
	}
	if n == 0 {
		return nil
	}
	f, freeF := cStrings(from, false)
	defer freeF()
	t, freeT := cStrings(to, false)
	defer freeT()
	var lp *C.double
	if lag != nil {
		lp = (*C.double)(unsafe.Pointer(&lag[0]))
	}
	return m.do(C.hsec_model_add_links(m.p, f, t, (*C.double)(unsafe.Pointer(&weight[0])), lp,
		C.size_t(n)))
}

// WeightFromScore returns a link weight from an ordinal consequence score:
// alpha * score^beta, refused unless it lands in [0,1].
func WeightFromScore(score, alpha, beta float64) (float64, error) {
	var out C.double
	err := lastErrmsg(func() C.int {
		return C.hsec_weight_from_score(&out, C.double(score), C.double(alpha), C.double(beta))
	})
	return float64(out), err
}

// WeightFromScale returns a link weight from a score on the published
// 5-point or 4-point scale.
func WeightFromScale(score float64, points int) (float64, error) {
	var out C.double
	err := lastErrmsg(func() C.int {
		return C.hsec_weight_from_scale(&out, C.double(score), C.int(points))
	})
	return float64(out), err
}

// RecoveryRate returns the recovery rate of a recovery time tau (steps to
// fall to the fraction lambda), with the node's self-link weight.
func RecoveryRate(tau, lambda, selfWeight float64) (float64, error) {
	var out C.double
	err := lastErrmsg(func() C.int {
		return C.hsec_recovery_rate(&out, C.double(tau), C.double(lambda), C.double(selfWeight))
	})
	return float64(out), err
}

// Results by name, and the figures the library gives of each group.

// NodeIndex returns the index of a node of the results' model by name.
func (r *Results) NodeIndex(name string) (int, error) {
	if err := r.hold(); err != nil {
		return 0, err
	}
	defer r.mu.Unlock()
	return findNode(r.c, name)
}

// GroupIndex returns the index of a group by its id.
func (r *Results) GroupIndex(id string) (int, error) {
	if err := r.hold(); err != nil {
		return 0, err
	}
	defer r.mu.Unlock()
	return r.groupIndex(id)
}

// groupIndex finds a group (r.mu held).
func (r *Results) groupIndex(id string) (int, error) {
	n := int(C.hsec_compiled_group_count(r.c))
	ids := make([]string, n)
	for g := range ids {
		ids[g] = C.GoString(C.hsec_compiled_group_id(r.c, C.size_t(g)))
		if ids[g] == id {
			return g, nil
		}
	}
	return 0, &Error{Code: ErrNotFound, Message: "no group \"" + id + "\"" + didYouMean(id, ids)}
}

// NodeValue is a node's q and its split into orders 1, 2, 3, 4+.
type NodeValue struct {
	Q      float64
	Orders [OrderCount]float64
}

// NodeValue returns a node's q and orders by name ("grid",
// "elderly.health"); they stay readable after Close.
func (r *Results) NodeValue(name string) (NodeValue, error) {
	i, err := r.NodeIndex(name)
	if err != nil {
		return NodeValue{}, err
	}
	return NodeValue{r.Q[i], r.Orders[i]}, nil
}

// GroupFigures is what a run gives of one group at one time.
type GroupFigures struct {
	Step     uint64                        // the step read (the equilibrium's 0 in a static run)
	Index    float64                       // the vital-core index H
	Y        [DimCount]float64             // reported insecurity by Dimension
	Phases   [DimCount]Phase               // the phase of each
	Orders   [DimCount][OrderCount]float64 // the propagated part by order
	Freedoms [FreedomCount]float64         // from fear, from want, to live in dignity
	Score    float64                       // Alkire-Foster deprivation score
	Insecure bool                          // score >= OptAFK
}

// GroupFigures returns a group's figures by id, at its peak or last step.
func (r *Results) GroupFigures(id string, at At) (GroupFigures, error) {
	var f GroupFigures
	a, err := at.c()
	if err != nil {
		return f, err
	}
	if err := r.hold(); err != nil {
		return f, err
	}
	defer r.mu.Unlock()
	g, err := r.groupIndex(id)
	if err != nil {
		return f, err
	}
	gi := C.size_t(g)
	var step C.uint64_t
	var h, score C.double
	var insecure C.int
	err = lastErrmsg(func() C.int {
		if rc := C.hsec_result_group(&step, &h, (*C.double)(unsafe.Pointer(&f.Y[0])), DimCount,
			r.p, gi, a); rc != 0 {
			return rc
		}
		if rc := C.hsec_result_group_orders((*C.double)(unsafe.Pointer(&f.Orders[0][0])),
			DimCount*OrderCount, r.p, gi, a); rc != 0 {
			return rc
		}
		if rc := C.hsec_result_group_freedoms((*C.double)(unsafe.Pointer(&f.Freedoms[0])),
			FreedomCount, r.p, gi, a); rc != 0 {
			return rc
		}
		return C.hsec_result_group_score(&score, &insecure, r.p, gi, a)
	})
	runtime.KeepAlive(r)
	if err != nil {
		return GroupFigures{}, err
	}
	f.Step, f.Index, f.Score, f.Insecure = uint64(step), float64(h), float64(score), insecure != 0
	for d, y := range f.Y {
		f.Phases[d] = PhaseOf(y)
	}
	return f, nil
}

// Mode returns the kind of run that made the results.
func (r *Results) Mode() Mode {
	if r.hold() != nil {
		return ModeStatic
	}
	defer r.mu.Unlock()
	return Mode(C.hsec_result_mode(r.p))
}

// Steps returns the steps run (dynamic) or iterations used (static
// bounded; 0 linear).
func (r *Results) Steps() uint64 {
	if r.hold() != nil {
		return 0
	}
	defer r.mu.Unlock()
	return uint64(C.hsec_result_steps(r.p))
}

// EarlyWarning returns the first step at which a dimension of a group (by
// id) reaches crisis or worse (-1: never) and its lead over the earliest
// threat start (0 when never).
func (r *Results) EarlyWarning(group string, d Dimension) (step, lead int64, err error) {
	if d < DimEconomic || d > DimPolitical {
		return 0, 0, invalid("EarlyWarning: dimension %d is not one of the %d", int(d), DimCount)
	}
	if err := r.hold(); err != nil {
		return 0, 0, err
	}
	defer r.mu.Unlock()
	g, err := r.groupIndex(group)
	if err != nil {
		return 0, 0, err
	}
	var s, l C.int64_t
	err = lastErrmsg(func() C.int {
		return C.hsec_result_warning(&s, &l, r.p, C.size_t(g), C.hsec_dimension(d))
	})
	runtime.KeepAlive(r)
	return int64(s), int64(l), err
}

// ThreatShare returns the share of a group's propagated vital-core index
// at its peak that a threat (by index) causes, and whether that makes it
// critical for the group (share >= OptCriticalShare).
func (r *Results) ThreatShare(group string, threat int) (share float64, critical bool, err error) {
	if threat < 0 {
		return 0, false, invalid("ThreatShare: threat %d is below 0", threat)
	}
	if err := r.hold(); err != nil {
		return 0, false, err
	}
	defer r.mu.Unlock()
	g, err := r.groupIndex(group)
	if err != nil {
		return 0, false, err
	}
	var sh C.double
	var c C.int
	err = lastErrmsg(func() C.int {
		return C.hsec_result_threat_share(&sh, &c, r.p, C.size_t(g), C.size_t(threat))
	})
	runtime.KeepAlive(r)
	return float64(sh), c != 0, err
}

// Pervasive returns the share of the population in groups for which a
// threat (by index) is critical, and whether that makes it pervasive.
func (r *Results) Pervasive(threat int) (share float64, pervasive bool, err error) {
	if threat < 0 {
		return 0, false, invalid("Pervasive: threat %d is below 0", threat)
	}
	if err := r.hold(); err != nil {
		return 0, false, err
	}
	defer r.mu.Unlock()
	var sh C.double
	var p C.int
	err = lastErrmsg(func() C.int { return C.hsec_result_pervasive(&sh, &p, r.p, C.size_t(threat)) })
	runtime.KeepAlive(r)
	return float64(sh), p != 0, err
}

// formatC checks a Format.
func formatC(f Format, what string) (C.hsec_format, error) {
	if f < FormatJSON || f > FormatContainerZlib {
		return 0, invalid("%s: format %d is not one of FormatJSON .. FormatContainerZlib", what, int(f))
	}
	return C.hsec_format(f), nil
}

// Save writes the results document, atomically, in a format.
func (r *Results) Save(path string, format Format) error {
	f, err := formatC(format, "Results.Save")
	if err != nil {
		return err
	}
	s := r.s
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := r.hold(); err != nil {
		return err
	}
	defer r.mu.Unlock()
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	err = lastErrmsg(func() C.int {
		return C.hsec_doc_save_results(p, r.p, s.p, f)
	})
	runtime.KeepAlive(r)
	return err
}

// SavePart writes the scenario as a part to merge with others (Merge):
// without its settings and empty lists.
func (s *Scenario) SavePart(path string, format Format) error {
	f, err := formatC(format, "SavePart")
	if err != nil {
		return err
	}
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	err = lastErrmsg(func() C.int { return C.hsec_doc_save_part(p, s.p, f) })
	runtime.KeepAlive(s)
	return err
}

// Convert re-encodes a document file (a scenario or results) as format;
// out is replaced atomically.
func Convert(in, out string, format Format) error {
	f, err := formatC(format, "Convert")
	if err != nil {
		return err
	}
	i, o := cstr(in), cstr(out)
	defer C.free(unsafe.Pointer(i))
	defer C.free(unsafe.Pointer(o))
	return withFileLoader(func(l *C.hsec_loader) C.int {
		return C.hsec_loader_convert_file(l, i, o, f)
	})
}

// ReadJSON returns the document in a file (any encoding: a scenario,
// results or another document) as JSON text (hsec show --format json).
func ReadJSON(path string) ([]byte, error) {
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	var text *C.char
	var n C.size_t
	err := withFileLoader(func(l *C.hsec_loader) C.int { return C.hsec_loader_read_json(&text, &n, l, p) })
	if err != nil {
		return nil, err
	}
	defer C.hsec_free_string(text)
	return C.GoBytes(unsafe.Pointer(text), C.int(n)), nil
}

// ReportHTMLFile returns the HTML report of a saved results document,
// without its scenario (hsec show --format html); title "": the path.
func ReportHTMLFile(path, title string) (string, error) {
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	var t *C.char
	if title != "" {
		t = cstr(title)
		defer C.free(unsafe.Pointer(t))
	}
	var text *C.char
	var n C.size_t
	err := withFileLoader(func(l *C.hsec_loader) C.int {
		return C.hsec_doc_report_html_file(&text, &n, l, p, t)
	})
	if err != nil {
		return "", err
	}
	defer C.hsec_free_string(text)
	return C.GoStringN(text, C.int(n)), nil
}

// WriteFile writes data to path atomically, as the library writes its
// documents.
func WriteFile(path string, data []byte) error {
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	buf := append(data[:len(data):len(data)], 0)
	return lastErrmsg(func() C.int {
		return C.hsec_write_file(p, unsafe.Pointer(&buf[0]), C.size_t(len(data)))
	})
}

// AddLinksIndexed adds links in bulk with their ends given as indices
// into names: link i joins names[from[i]] -> names[to[i]], with weight[i]
// and lag[i] (lag nil: every lag 0). Each name is checked once, however
// many links use it.
func (m *Model) AddLinksIndexed(names []string, from, to []uint32, weight, lag []float64) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	n := len(from)
	if len(to) != n || len(weight) != n || (lag != nil && len(lag) != n) {
		return invalid("AddLinksIndexed: %d from, %d to, %d weights and %d lags: not one each",
			len(from), len(to), len(weight), len(lag))
	}
	if n == 0 {
		return nil
	}
	arr, free := cStrings(names, false)
	defer free()
	var lp *C.double
	if lag != nil {
		lp = (*C.double)(unsafe.Pointer(&lag[0]))
	}
	return m.do(C.hsec_model_add_links_indexed(m.p, arr, C.size_t(len(names)),
		(*C.uint32_t)(unsafe.Pointer(&from[0])), (*C.uint32_t)(unsafe.Pointer(&to[0])),
		(*C.double)(unsafe.Pointer(&weight[0])), lp, C.size_t(n)))
}

// GroupCount returns the number of groups the run reported on.
func (r *Results) GroupCount() int {
	if r.hold() != nil {
		return 0
	}
	defer r.mu.Unlock()
	return int(C.hsec_result_group_count(r.p))
}

// ThreatCount returns the number of threats the run reported on.
func (r *Results) ThreatCount() int {
	if r.hold() != nil {
		return 0
	}
	defer r.mu.Unlock()
	return int(C.hsec_result_threat_count(r.p))
}
