package hsec

// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"unsafe"
)

// The compiled model a scenario runs on, and what the scenario holds,
// read back: the getters give what the builder (or a document) put in.

func (s *Scenario) compiled() *C.hsec_compiled { return C.hsec_scenario_compiled(s.p) }

// sizes returns n size_t values filled by get (nil when n is 0).
func sizes(n int, get func(p *C.size_t) C.int) ([]int, error) {
	buf := make([]C.size_t, n+1) // one more, so that &buf[0] exists
	if err := lastErrmsg(func() C.int { return get(&buf[0]) }); err != nil {
		return nil, err
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(buf[i])
	}
	return out, nil
}

// NodeCount returns the number of nodes of the compiled model (0 once
// the scenario is closed).
func (s *Scenario) NodeCount() int {
	if s.hold() != nil {
		return 0
	}
	defer s.mu.Unlock()
	return s.nodeCount()
}

func (s *Scenario) nodeCount() int {
	n := int(C.hsec_compiled_node_count(s.compiled()))
	runtime.KeepAlive(s)
	return n
}

// NodeName returns the name of a node ("grid", "elderly.health"), "" when
// out of range or once the scenario is closed.
func (s *Scenario) NodeName(node int) string {
	if node < 0 || s.hold() != nil {
		return ""
	}
	defer s.mu.Unlock()
	name := C.GoString(C.hsec_compiled_node_name(s.compiled(), C.size_t(node)))
	runtime.KeepAlive(s)
	return name
}

// Links returns the links in compressed sparse rows by target node: the
// links into node i are e = rowp[i] .. rowp[i+1]-1, each from node from[e]
// with its weight as given and its lag in steps.
func (s *Scenario) Links() (rowp, from []int, weight []float64, lag []uint64, err error) {
	if err := s.hold(); err != nil {
		return nil, nil, nil, nil, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	c := s.compiled()
	n, nnz := int(C.hsec_compiled_node_count(c)), int(C.hsec_compiled_link_count(c))
	r := make([]C.size_t, n+1)
	f := make([]C.size_t, nnz+1)
	weight = make([]float64, nnz+1)
	lag = make([]uint64, nnz+1)
	err = lastErrmsg(func() C.int {
		return C.hsec_compiled_links(&r[0], &f[0], (*C.double)(unsafe.Pointer(&weight[0])),
			(*C.uint64_t)(unsafe.Pointer(&lag[0])), C.size_t(nnz), c)
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	rowp, from = make([]int, n+1), make([]int, nnz)
	for i := range rowp {
		rowp[i] = int(r[i])
	}
	for e := range from {
		from[e] = int(f[e])
	}
	return rowp, from, weight[:nnz], lag[:nnz], nil
}

// Region is a region of the compiled model.
type Region struct {
	ID     string
	Parent int    // the parent region's index, NoIndex for a top region
	Label  string // free text for display, "" when it has none
}

// Regions returns the regions of the compiled model, in index order.
func (s *Scenario) Regions() ([]Region, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	c := s.compiled()
	out := make([]Region, int(C.hsec_compiled_region_count(c)))
	for i := range out {
		var parent C.size_t
		err := lastErrmsg(func() C.int { return C.hsec_compiled_region_parent(&parent, c, C.size_t(i)) })
		if err != nil {
			return nil, err
		}
		out[i] = Region{C.GoString(C.hsec_compiled_region_id(c, C.size_t(i))), index(parent),
			C.GoString(C.hsec_compiled_region_label(c, C.size_t(i)))}
	}
	return out, nil
}

// Group is a population group of the compiled model.
type Group struct {
	ID     string
	Region int      // the region's index
	Node   int      // the first of its seven nodes, in dimension order
	Size   float64  // persons
	Flags  []string // vulnerability flags ("elderly", "displaced", ...)
	// Vital-core weights of the dimensions, normalised, and the chronic
	// insecurity of each, by Dimension.
	Weights, Baselines [DimCount]float64
}

// Groups returns the groups of the compiled model, in index order.
func (s *Scenario) Groups() ([]Group, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	c := s.compiled()
	out := make([]Group, int(C.hsec_compiled_group_count(c)))
	for i := range out {
		g := C.size_t(i)
		var bits C.unsigned
		if err := lastErrmsg(func() C.int { return C.hsec_compiled_group_flags(&bits, c, g) }); err != nil {
			return nil, err
		}
		var flags []string
		for b := 0; bits>>b != 0; b++ {
			if bits>>b&1 != 0 {
				flags = append(flags, enumName(C.HSEC_ENUM_FLAG, C.int(b)))
			}
		}
		out[i] = Group{ID: C.GoString(C.hsec_compiled_group_id(c, g)),
			Region: index(C.hsec_compiled_group_region(c, g)),
			Node:   int(C.hsec_compiled_group_node(c, g)),
			Size:   float64(C.hsec_compiled_group_size(c, g)), Flags: flags}
		for d := 0; d < DimCount; d++ {
			out[i].Weights[d] = float64(C.hsec_compiled_group_weight(c, g, C.hsec_dimension(d)))
			out[i].Baselines[d] = float64(C.hsec_compiled_group_baseline(c, g, C.hsec_dimension(d)))
		}
	}
	return out, nil
}

// Service is a service of the compiled model.
type Service struct {
	ID     string
	Kind   string // "energy", "water", ..., "economic_sector"
	Region int    // the region's index, NoIndex for a national service
	Node   int
	Label  string // free text for display, "" when it has none
}

// Services returns the services in the order they were added.
func (s *Scenario) Services() ([]Service, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	c := s.compiled()
	out := make([]Service, int(C.hsec_compiled_service_count(c)))
	for i := range out {
		var kind C.hsec_service_kind
		var region, node C.size_t
		err := lastErrmsg(func() C.int { return C.hsec_compiled_service(&kind, &region, &node, c, C.size_t(i)) })
		if err != nil {
			return nil, err
		}
		out[i] = Service{C.GoString(C.hsec_compiled_service_id(c, C.size_t(i))),
			enumName(C.HSEC_ENUM_SERVICE_KIND, C.int(kind)), index(region), int(node),
			C.GoString(C.hsec_compiled_service_label(c, C.size_t(i)))}
	}
	return out, nil
}

// Params returns every node's value of a parameter ("vulnerability",
// "recovery", "recovery_time", "weight", "baseline", "initial", "onset",
// "onset_time") as the model gave it, in node order: "recovery" is 1 where
// a recovery time was given, "recovery_time" 0 where a rate was; "weight"
// (before normalising) and "baseline" are NaN on services; "onset" and
// "onset_time" are NaN where none was given.
func (s *Scenario) Params(param string) ([]float64, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	p, ok := params[param]
	if !ok {
		return nil, &Error{Code: ErrInvalid, Message: fmt.Sprintf("parameter %q is unknown", param)}
	}
	defer runtime.KeepAlive(s)
	c := s.compiled()
	n := int(C.hsec_compiled_node_count(c))
	out := make([]float64, n+1)
	err := lastErrmsg(func() C.int {
		return C.hsec_compiled_params((*C.double)(unsafe.Pointer(&out[0])), C.size_t(n), c, p)
	})
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

// ids reads a list of ids (s.mu held).
func (s *Scenario) ids(count func(*C.hsec_scenario) C.size_t,
	id func(*C.hsec_scenario, C.size_t) *C.char) []string {
	out := make([]string, int(count(s.p)))
	for i := range out {
		out[i] = C.GoString(id(s.p, C.size_t(i)))
	}
	runtime.KeepAlive(s)
	return out
}

// locked runs get with the scenario held; nil once it is closed.
func (s *Scenario) locked(get func() []string) []string {
	if s.hold() != nil {
		return nil
	}
	defer s.mu.Unlock()
	return get()
}

// Threats returns the ids of the scenario's threats, in index order (nil
// once the scenario is closed).
func (s *Scenario) Threats() []string { return s.locked(s.threats) }

// Measures returns the ids of the scenario's measures, in index order
// (nil once the scenario is closed).
func (s *Scenario) Measures() []string { return s.locked(s.measures) }

// Packages returns the ids of the scenario's packages, in index order
// (nil once the scenario is closed).
func (s *Scenario) Packages() []string { return s.locked(s.packages) }

func (s *Scenario) threats() []string {
	return s.ids(func(p *C.hsec_scenario) C.size_t { return C.hsec_scenario_threat_count(p) },
		func(p *C.hsec_scenario, i C.size_t) *C.char { return C.hsec_scenario_threat_id(p, i) })
}

func (s *Scenario) measures() []string {
	return s.ids(func(p *C.hsec_scenario) C.size_t { return C.hsec_scenario_measure_count(p) },
		func(p *C.hsec_scenario, i C.size_t) *C.char { return C.hsec_scenario_measure_id(p, i) })
}

func (s *Scenario) packages() []string {
	return s.ids(func(p *C.hsec_scenario) C.size_t { return C.hsec_scenario_package_count(p) },
		func(p *C.hsec_scenario, i C.size_t) *C.char { return C.hsec_scenario_package_id(p, i) })
}

// ThreatInfo is a threat as the scenario holds it.
type ThreatInfo struct {
	ID, Actor  string
	Start      float64
	Duration   float64 // Persistent when in force to the end
	Likelihood float64
	Nodes      []int     // the nodes it reaches, ascending
	Magnitudes []float64 // its magnitude on each
	Topics     []string  // the cross-cutting topics it touches (since 1.3)
}

// ThreatAt returns the threat of index i.
func (s *Scenario) ThreatAt(i int) (ThreatInfo, error) {
	if i < 0 {
		return ThreatInfo{}, invalid("ThreatAt: threat %d is below 0", i)
	}
	if err := s.hold(); err != nil {
		return ThreatInfo{}, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	t := C.size_t(i)
	var actor C.hsec_threat_actor
	var start, duration, likelihood C.double
	err := lastErrmsg(func() C.int {
		if rc := C.hsec_scenario_threat_actor(&actor, s.p, t); rc != 0 {
			return rc
		}
		if rc := C.hsec_scenario_threat_timing(&start, s.p, t, C.HSEC_TIMING_START); rc != 0 {
			return rc
		}
		if rc := C.hsec_scenario_threat_timing(&duration, s.p, t, C.HSEC_TIMING_DURATION); rc != 0 {
			return rc
		}
		return C.hsec_scenario_threat_timing(&likelihood, s.p, t, C.HSEC_TIMING_LIKELIHOOD)
	})
	if err != nil {
		return ThreatInfo{}, err
	}
	n := int(C.hsec_scenario_threat_target_count(s.p, t))
	mags := make([]float64, n+1)
	nodes, err := sizes(n, func(p *C.size_t) C.int {
		return C.hsec_scenario_threat_targets(p, (*C.double)(unsafe.Pointer(&mags[0])),
			C.size_t(n), s.p, t)
	})
	if err != nil {
		return ThreatInfo{}, err
	}
	return ThreatInfo{ID: C.GoString(C.hsec_scenario_threat_id(s.p, t)),
		Actor: enumName(C.HSEC_ENUM_THREAT_ACTOR, C.int(actor)), Start: float64(start),
		Duration: float64(duration), Likelihood: float64(likelihood),
		Topics: s.topics(true, t), Nodes: nodes,
		Magnitudes: mags[:n]}, nil
}

// MeasureInfo is a measure as the scenario holds it.
type MeasureInfo struct {
	ID, Kind, Effect, Actor string
	Strength                float64
	Start, Ramp             float64
	Duration                float64 // Persistent when in force to the end
	Cost                    float64
	// The nodes it reaches or, for decouple, the links it cuts (indices
	// in the order of Links), ascending.
	Targets []int
	Topics  []string // the cross-cutting topics it touches (since 1.3)
	Branch  string   // the staff branch that owns it, "none" when none (since 1.3)
}

// MeasureAt returns the measure of index i.
func (s *Scenario) MeasureAt(i int) (MeasureInfo, error) {
	if i < 0 {
		return MeasureInfo{}, invalid("MeasureAt: measure %d is below 0", i)
	}
	if err := s.hold(); err != nil {
		return MeasureInfo{}, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	m := C.size_t(i)
	var kind C.hsec_measure_kind
	var effect C.hsec_effect
	var actor C.hsec_measure_actor
	var strength C.double
	var timing [4]C.double
	whats := [4]C.hsec_timing{C.HSEC_TIMING_START, C.HSEC_TIMING_RAMP, C.HSEC_TIMING_DURATION,
		C.HSEC_TIMING_COST}
	err := lastErrmsg(func() C.int {
		if rc := C.hsec_scenario_measure_kind(&kind, s.p, m); rc != 0 {
			return rc
		}
		if rc := C.hsec_scenario_measure_effect(&effect, &actor, &strength, s.p, m); rc != 0 {
			return rc
		}
		for k, what := range whats {
			if rc := C.hsec_scenario_measure_timing(&timing[k], s.p, m, what); rc != 0 {
				return rc
			}
		}
		return 0
	})
	if err != nil {
		return MeasureInfo{}, err
	}
	n := int(C.hsec_scenario_measure_target_count(s.p, m))
	targets, err := sizes(n, func(p *C.size_t) C.int {
		return C.hsec_scenario_measure_targets(p, C.size_t(n), s.p, m)
	})
	if err != nil {
		return MeasureInfo{}, err
	}
	return MeasureInfo{ID: C.GoString(C.hsec_scenario_measure_id(s.p, m)),
		Kind:     enumName(C.HSEC_ENUM_MEASURE_KIND, C.int(kind)),
		Effect:   enumName(C.HSEC_ENUM_EFFECT, C.int(effect)),
		Actor:    enumName(C.HSEC_ENUM_MEASURE_ACTOR, C.int(actor)),
		Strength: float64(strength), Start: float64(timing[0]), Ramp: float64(timing[1]),
		Duration: float64(timing[2]), Cost: float64(timing[3]),
		Topics: s.topics(false, m), Branch: s.branch(m),
		Targets: targets}, nil
}

// AddPackage adds a package, a named set of measures (a course of action
// to compare), holding the measures named.
func (s *Scenario) AddPackage(id string, measures ...string) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	if err := s.do(C.hsec_scenario_add_package(s.p, i)); err != nil {
		return err
	}
	for _, name := range measures {
		m := cstr(name)
		err := s.do(C.hsec_scenario_package_add(s.p, i, m))
		C.free(unsafe.Pointer(m))
		if err != nil {
			return err
		}
	}
	return nil
}

// PackageInfo is a package as the scenario holds it.
type PackageInfo struct {
	ID       string
	Measures []int   // the measures' indices, in the order they were put in it
	Cost     float64 // the sum of their costs
}

// PackageAt returns the package of index i.
func (s *Scenario) PackageAt(i int) (PackageInfo, error) {
	if i < 0 {
		return PackageInfo{}, invalid("PackageAt: package %d is below 0", i)
	}
	if err := s.hold(); err != nil {
		return PackageInfo{}, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	p := C.size_t(i)
	n := int(C.hsec_scenario_package_size(s.p, p))
	measures, err := sizes(n, func(out *C.size_t) C.int {
		return C.hsec_scenario_package_measures(out, C.size_t(n), s.p, p)
	})
	if err != nil {
		return PackageInfo{}, err
	}
	return PackageInfo{C.GoString(C.hsec_scenario_package_id(s.p, p)), measures,
		float64(C.hsec_scenario_package_cost(s.p, p))}, nil
}

var uncertain = map[string]C.hsec_uncertain{"weights": C.HSEC_UNCERTAIN_WEIGHTS,
	"magnitudes": C.HSEC_UNCERTAIN_MAGNITUDES, "recovery": C.HSEC_UNCERTAIN_RECOVERY}

func uncertainKind(what string) (C.hsec_uncertain, error) {
	u, ok := uncertain[what]
	if !ok {
		return 0, &Error{Code: ErrInvalid, Message: fmt.Sprintf("%q is not weights, magnitudes or recovery", what)}
	}
	return u, nil
}

// SetUncertainty makes a kind of parameter ("weights", "magnitudes",
// "recovery") uncertain: in each member of an ensemble every one is
// multiplied by a factor drawn from the triangular distribution (low,
// mode, high).
func (s *Scenario) SetUncertainty(what string, low, mode, high float64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	u, err := uncertainKind(what)
	if err != nil {
		return err
	}
	return s.do(C.hsec_scenario_set_uncertainty(s.p, u, C.double(low), C.double(mode),
		C.double(high)))
}

// Uncertainty returns the triangular range of a kind of parameter.
func (s *Scenario) Uncertainty(what string) (low, mode, high float64, err error) {
	if err := s.hold(); err != nil {
		return 0, 0, 0, err
	}
	defer s.mu.Unlock()
	u, err := uncertainKind(what)
	if err != nil {
		return 0, 0, 0, err
	}
	var l, m, h C.double
	err = lastErrmsg(func() C.int { return C.hsec_scenario_get_uncertainty(&l, &m, &h, s.p, u) })
	runtime.KeepAlive(s)
	return float64(l), float64(m), float64(h), err
}

// Rank returns the marginal equilibrium burden of one unit of perturbation
// at every node: where to protect (RankOrder gives the ranking). RankWith
// takes a context and chooses the measures in force; Ranking adds the
// coupling indices and the filters of hsec rank.
func (s *Scenario) Rank() ([]float64, error) {
	return s.RankWith(context.Background(), AllMeasures())
}

// RankOrder returns the node indices by decreasing marginal burden (from
// Rank), ties to the lower index, NaN last.
func RankOrder(marginal []float64) ([]int, error) {
	in := append(marginal[:len(marginal):len(marginal)], 0) // &in[0] exists
	return sizes(len(marginal), func(p *C.size_t) C.int {
		return C.hsec_rank_order(p, (*C.double)(unsafe.Pointer(&in[0])), C.size_t(len(marginal)))
	})
}

func when(peak bool) C.hsec_at {
	if peak {
		return C.HSEC_AT_PEAK
	}
	return C.HSEC_AT_LAST
}

// GroupOrders returns the propagated part of each dimension of a group
// (at its peak, or at the last step) split into orders 1, 2, 3, 4+.
func (r *Results) GroupOrders(index int, peak bool) ([DimCount][OrderCount]float64, error) {
	if index < 0 {
		return [DimCount][OrderCount]float64{}, invalid("GroupOrders: group %d is below 0", index)
	}
	var p [DimCount][OrderCount]float64
	if err := r.hold(); err != nil {
		return p, err
	}
	defer r.mu.Unlock()
	err := lastErrmsg(func() C.int {
		return C.hsec_result_group_orders((*C.double)(unsafe.Pointer(&p[0][0])),
			DimCount*OrderCount, r.p, C.size_t(index), when(peak))
	})
	runtime.KeepAlive(r)
	return p, err
}

// Freedoms returns a group's freedom indices: from fear, from want, to live
// in dignity (higher is less free).
func (r *Results) Freedoms(index int, peak bool) ([FreedomCount]float64, error) {
	if index < 0 {
		return [FreedomCount]float64{}, invalid("Freedoms: group %d is below 0", index)
	}
	var f [FreedomCount]float64
	if err := r.hold(); err != nil {
		return f, err
	}
	defer r.mu.Unlock()
	err := lastErrmsg(func() C.int {
		return C.hsec_result_group_freedoms((*C.double)(unsafe.Pointer(&f[0])), FreedomCount,
			r.p, C.size_t(index), when(peak))
	})
	runtime.KeepAlive(r)
	return f, err
}

// Multidimensional returns the Alkire-Foster figures H, A and M0 = H x A.
func (r *Results) Multidimensional(peak bool) ([AFCount]float64, error) {
	var out [AFCount]float64
	if err := r.hold(); err != nil {
		return out, err
	}
	defer r.mu.Unlock()
	err := lastErrmsg(func() C.int {
		return C.hsec_result_multidimensional((*C.double)(unsafe.Pointer(&out[0])), AFCount,
			r.p, when(peak))
	})
	runtime.KeepAlive(r)
	return out, err
}

// GroupY returns the reported insecurity of each dimension of a group.
func (r *Results) GroupY(index int, peak bool) ([DimCount]float64, error) {
	if index < 0 {
		return [DimCount]float64{}, invalid("GroupY: group %d is below 0", index)
	}
	var y [DimCount]float64
	if err := r.hold(); err != nil {
		return y, err
	}
	defer r.mu.Unlock()
	err := lastErrmsg(func() C.int {
		return C.hsec_result_group(nil, nil, (*C.double)(unsafe.Pointer(&y[0])), DimCount, r.p,
			C.size_t(index), when(peak))
	})
	runtime.KeepAlive(r)
	return y, err
}

// OnsetRates returns every node's onset rate, the rate at which a rising
// node moves in a dynamic run (an onset given, an onset time converted, or
// the node's recovery rate before measures).
func (s *Scenario) OnsetRates() ([]float64, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	defer runtime.KeepAlive(s)
	n := int(C.hsec_compiled_node_count(s.compiled()))
	out := make([]float64, n+1)
	err := lastErrmsg(func() C.int {
		return C.hsec_scenario_onset_rates((*C.double)(unsafe.Pointer(&out[0])), C.size_t(n), s.p)
	})
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}
