package hsec

// #include <stdlib.h>
// #include <hsec.h>
import "C"

import (
	"context"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"unsafe"
)

// Runs with a choice of measures, rankings, coupling, comparisons and
// optimisation: the decisions of doc/model.md, as hsec run, rank, compare
// and optimize make them.

// InForce chooses the measures in force for a run, a ranking, coupling,
// an operator or an ensemble: AllMeasures (the zero value), Measures(ids...)
// or Package(id).
type InForce struct {
	how int // 0 every measure, 1 ids, 2 a package
	ids []string
	pkg string
}

// AllMeasures puts every measure of the scenario in force.
func AllMeasures() InForce { return InForce{} }

// Measures puts only the measures with these ids in force; none: the
// no-measure baseline.
func Measures(ids ...string) InForce {
	return InForce{how: 1, ids: append([]string{}, ids...)}
}

// Package puts only a package's measures in force; "none" (when no
// package has that id) puts no measure in force.
func Package(id string) InForce { return InForce{how: 2, pkg: id} }

// String describes the choice ("every measure", "measures a, b", "package p").
func (in InForce) String() string {
	switch in.how {
	case 1:
		if len(in.ids) == 0 {
			return "no measure"
		}
		return "measures " + strings.Join(in.ids, ", ")
	case 2:
		return "package " + in.pkg
	}
	return "every measure"
}

// mask returns the mask of in, nil for every measure (s.mu held).
func (s *Scenario) mask(in InForce) ([]byte, error) {
	switch in.how {
	case 1:
		return s.maskOf(in.ids)
	case 2:
		return s.packageMask(in.pkg)
	}
	return nil, nil
}

// cmask passes a mask to C: nil for every measure; a non-empty pointer
// for an empty mask.
func cmask(mask []byte) (*C.uchar, C.size_t) {
	if mask == nil {
		return nil, 0
	}
	buf := append(mask[:len(mask):len(mask)], 0)
	return (*C.uchar)(unsafe.Pointer(&buf[0])), C.size_t(len(mask))
}

// doubles makes n doubles with a first element to point to.
func doubles(n int) []float64 { return make([]float64, n+1)[:n] }

func dptr(v []float64) *C.double {
	if cap(v) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&v[:cap(v)][0]))
}

// withMask holds the scenario, watches ctx and calls f with the mask of the
// measures of in (C's pointer and length): the error of f's return code.
func (s *Scenario) withMask(ctx context.Context, in InForce, f func(*C.uchar, C.size_t) C.int) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	mask, err := s.mask(in)
	if err != nil {
		return err
	}
	done, err := s.watch(ctx)
	if err != nil {
		return err
	}
	m, n := cmask(mask)
	return done(s.do(f(m, n)))
}

// RunWith runs the scenario with the measures of in in force; ctx stops it.
func (s *Scenario) RunWith(ctx context.Context, in InForce) (*Results, error) {
	var res *Results
	if err := s.withMask(ctx, in, func(m *C.uchar, n C.size_t) C.int {
		var r *C.hsec_result
		rc := C.hsec_scenario_run_with(&r, s.p, m, n)
		if rc == 0 { // made under the scenario's lock: a Close waiting for it cannot free it first
			res = newResults(r, s)
		}
		return rc
	}); err != nil {
		if res != nil {
			res.Close()
		}
		return nil, err
	}
	return res, nil
}

// RankWith returns the marginal equilibrium burden of one unit of
// perturbation at every node, in node order, with the measures of in in
// force; ctx stops it.
func (s *Scenario) RankWith(ctx context.Context, in InForce) ([]float64, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	mask, err := s.mask(in)
	if err != nil {
		return nil, err
	}
	return s.rank(ctx, mask)
}

func (s *Scenario) rank(ctx context.Context, mask []byte) ([]float64, error) {
	done, err := s.watch(ctx)
	if err != nil {
		return nil, err
	}
	n := s.nodeCount()
	out := doubles(n)
	m, ml := cmask(mask)
	if err := done(s.do(C.hsec_scenario_rank_with(dptr(out), C.size_t(n), s.p, m, ml))); err != nil {
		return nil, err
	}
	return out, nil
}

// Coupling holds the coupling indices of every node, in node order
// (doc/model.md): dependency of i on the others, influence of j on them,
// and their overall versions through every path.
type Coupling struct {
	Dependency, Influence, OverallDependency, OverallInfluence []float64
}

// Coupling returns the coupling indices with the measures of in in force;
// ctx stops it.
func (s *Scenario) Coupling(ctx context.Context, in InForce) (Coupling, error) {
	if err := s.hold(); err != nil {
		return Coupling{}, err
	}
	defer s.mu.Unlock()
	mask, err := s.mask(in)
	if err != nil {
		return Coupling{}, err
	}
	return s.coupling(ctx, mask)
}

func (s *Scenario) coupling(ctx context.Context, mask []byte) (Coupling, error) {
	done, err := s.watch(ctx)
	if err != nil {
		return Coupling{}, err
	}
	n := s.nodeCount()
	c := Coupling{doubles(n), doubles(n), doubles(n), doubles(n)}
	m, ml := cmask(mask)
	err = done(s.do(C.hsec_scenario_coupling_with(dptr(c.Dependency), dptr(c.Influence),
		dptr(c.OverallDependency), dptr(c.OverallInfluence), C.size_t(n), s.p, m, ml)))
	if err != nil {
		return Coupling{}, err
	}
	return c, nil
}

// Interdependency returns the n-th order interdependency of node i on node
// j (names): entry [i,j] of A'^n (1 <= n <= 10^9; n = 1 is the link's
// weight after vulnerability and measures); ctx stops it.
func (s *Scenario) Interdependency(ctx context.Context, i, j string, n int) (float64, error) {
	if err := s.hold(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	if n < 1 || n > 1000000000 {
		return 0, invalid("Interdependency: n %d is not in 1 .. 10^9", n)
	}
	a, err := s.node(i)
	if err != nil {
		return 0, err
	}
	b, err := s.node(j)
	if err != nil {
		return 0, err
	}
	done, err := s.watch(ctx)
	if err != nil {
		return 0, err
	}
	var out C.double
	err = done(s.do(C.hsec_scenario_interdependency(&out, s.p, C.size_t(a), C.size_t(b),
		C.unsigned(n))))
	return float64(out), err
}

// RankOptions chooses what Ranking lists, as hsec rank's options do.
type RankOptions struct {
	In  InForce // the measures in force (default: every measure)
	Top int     // the top Top nodes of those selected; 0: all (hsec rank's default is 20)
	// Kind narrows the list to "services", "groups" (every node of every
	// group), a service kind ("energy", ...) or a dimension ("health":
	// that dimension's node of every group); "": every node.
	Kind string
	// Region narrows it to the nodes in a region or below it (national
	// services left out); "": anywhere.
	Region string
}

// RankedNode is one node of a ranking.
type RankedNode struct {
	Node                                int
	Name                                string
	Marginal                            float64 // equilibrium burden of one unit of perturbation
	Dependency, Influence               float64
	OverallDependency, OverallInfluence float64
}

// Ranking is where to protect: the nodes selected, most critical first,
// with the figures of every node in node order and the ranking document
// (hsec rank --format json).
type Ranking struct {
	Nodes    []RankedNode // selected, most critical first, at most Top
	Marginal []float64    // every node's, in node order
	Coupling Coupling     // every node's, in node order
	document []byte
}

// JSON returns the ranking document, as hsec rank writes it.
func (r *Ranking) JSON() []byte { return append([]byte(nil), r.document...) }

// Ranking ranks the nodes with their coupling indices, as hsec rank does;
// ctx stops it.
func (s *Scenario) Ranking(ctx context.Context, o RankOptions) (*Ranking, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if o.Top < 0 {
		return nil, invalid("Ranking: top %d is below 0", o.Top)
	}
	mask, err := s.mask(o.In)
	if err != nil {
		return nil, err
	}
	sel, err := s.rankSelect(o.Kind, o.Region)
	if err != nil {
		return nil, err
	}
	u, err := s.rank(ctx, mask)
	if err != nil {
		return nil, err
	}
	c, err := s.coupling(ctx, mask)
	if err != nil {
		return nil, err
	}
	n := len(u)
	var text *C.char
	var size C.size_t
	m, ml := cmask(mask)
	var cs *C.uchar
	if sel != nil {
		cs = (*C.uchar)(unsafe.Pointer(&append(sel, 0)[0]))
	}
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_rank_json_with(&text, &size, dptr(u), dptr(c.Dependency),
			dptr(c.Influence), dptr(c.OverallDependency), dptr(c.OverallInfluence),
			C.size_t(n), s.p, C.size_t(o.Top), cs, m, ml)
	}); err != nil {
		return nil, err
	}
	doc := C.GoBytes(unsafe.Pointer(text), C.int(size))
	C.hsec_free_string(text)
	order, err := RankOrder(u)
	if err != nil {
		return nil, err
	}
	r := &Ranking{Marginal: u, Coupling: c, document: doc}
	for _, i := range order {
		if sel != nil && sel[i] == 0 {
			continue
		}
		if o.Top > 0 && len(r.Nodes) == o.Top {
			break
		}
		r.Nodes = append(r.Nodes, RankedNode{i, s.nodeName(i), u[i], c.Dependency[i],
			c.Influence[i], c.OverallDependency[i], c.OverallInfluence[i]})
	}
	runtime.KeepAlive(s)
	return r, nil
}

func (s *Scenario) nodeName(i int) string {
	return C.GoString(C.hsec_compiled_node_name(s.compiled(), C.size_t(i)))
}

// rankSelect returns the nodes kind and region select (nil: every node),
// as hsec rank's --kind and --region (s.mu held).
func (s *Scenario) rankSelect(kind, region string) ([]byte, error) {
	if kind == "" && region == "" {
		return nil, nil
	}
	c := s.compiled()
	defer runtime.KeepAlive(s)
	n := int(C.hsec_compiled_node_count(c))
	reg := -1
	if region != "" {
		var ids []string
		for r := 0; r < int(C.hsec_compiled_region_count(c)); r++ {
			id := C.GoString(C.hsec_compiled_region_id(c, C.size_t(r)))
			ids = append(ids, id)
			if id == region {
				reg = r
			}
		}
		if reg < 0 {
			return nil, &Error{Code: ErrNotFound, Message: "Ranking: no region \"" + region +
				"\"" + didYouMean(region, ids)}
		}
	}
	services, groups := kind == "services", kind == "groups"
	sk, dim := -1, -1
	if kind != "" && !services && !groups {
		kinds, dims := enumNames(C.HSEC_ENUM_SERVICE_KIND), enumNames(C.HSEC_ENUM_DIMENSION)
		for i, k := range kinds {
			if k == kind {
				sk = i
			}
		}
		for i, d := range dims {
			if d == kind {
				dim = i
			}
		}
		if sk < 0 && dim < 0 {
			all := append(append([]string{"services", "groups"}, kinds...), dims...)
			return nil, invalid("Ranking: kind %q is not services, groups, a service kind "+
				"(energy, water, ...) or a dimension (economic, food, ...)%s", kind,
				didYouMean(kind, all))
		}
	}
	within := func(r C.size_t) bool {
		if reg < 0 {
			return true
		}
		for hops := 0; r != C.HSEC_NO_INDEX && hops <= int(C.hsec_compiled_region_count(c)); hops++ {
			if int(r) == reg {
				return true
			}
			if C.hsec_compiled_region_parent(&r, c, r) != 0 {
				return false
			}
		}
		return false
	}
	sel := make([]byte, n)
	for i := 0; i < int(C.hsec_compiled_service_count(c)); i++ {
		var k C.hsec_service_kind
		var r, node C.size_t
		if C.hsec_compiled_service(&k, &r, &node, c, C.size_t(i)) != 0 {
			continue
		}
		if (kind == "" || services || int(k) == sk) && within(r) {
			sel[node] = 1
		}
	}
	for g := 0; g < int(C.hsec_compiled_group_count(c)); g++ {
		here := within(C.hsec_compiled_group_region(c, C.size_t(g)))
		node := int(C.hsec_compiled_group_node(c, C.size_t(g)))
		for d := 0; d < DimCount; d++ {
			if here && (kind == "" || groups || d == dim) {
				sel[node+d] = 1
			}
		}
	}
	return sel, nil
}

// Comparison is the no-measure baseline and a run per package (hsec
// compare). Close frees its results.
type Comparison struct {
	Baseline *Results
	Packages []PackageRun // in package order
	document []byte
}

// PackageRun is the run of one package's measures in a Comparison.
type PackageRun struct {
	ID      string
	Results *Results
	Cost    float64 // the sum of its measures' costs
	Averted float64 // the baseline's total burden minus this run's
	// What each staff branch's measures of the package avert by themselves
	// (branch name: averted total burden), for the branches its measures name.
	ByBranch map[string]float64
}

// JSON returns the comparison document, as hsec compare writes it.
func (c *Comparison) JSON() []byte { return append([]byte(nil), c.document...) }

// Close frees the comparison's results.
func (c *Comparison) Close() {
	c.Baseline.Close()
	for _, p := range c.Packages {
		p.Results.Close()
	}
}

// Compare runs the no-measure baseline and each package of measures, with
// what each branch of a package averts (a run per branch it names); ctx
// stops it.
func (s *Scenario) Compare(ctx context.Context) (*Comparison, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	done, err := s.watch(ctx)
	if err != nil {
		return nil, err
	}
	count := 1 + int(C.hsec_scenario_package_count(s.p))
	res := make([]*C.hsec_result, count)
	if err := s.do(C.hsec_scenario_compare(&res[0], C.size_t(count), s.p)); err != nil {
		return nil, done(err)
	}
	release := func() {
		for _, r := range res {
			C.hsec_result_free(r)
		}
	}
	nb := BranchCount
	branches := doubles((count - 1) * nb)
	for p := 0; p+1 < count; p++ {
		err := s.do(C.hsec_scenario_compare_branches(dptr(branches[p*nb:]), C.size_t(nb), s.p,
			res[0], C.size_t(p)))
		if err != nil {
			release()
			return nil, done(err)
		}
	}
	if err := done(nil); err != nil {
		release()
		return nil, err
	}
	var text *C.char
	var size C.size_t
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_compare_json_with(&text, &size, &res[0], C.size_t(count), s.p,
			dptr(branches), C.size_t(len(branches)))
	}); err != nil {
		release()
		return nil, err
	}
	c := &Comparison{document: C.GoBytes(unsafe.Pointer(text), C.int(size))}
	C.hsec_free_string(text)
	ids := s.packages()
	runs := make([]*Results, count)
	for i, r := range res {
		runs[i] = newResults(r, s)
	}
	c.Baseline = runs[0]
	base, err := runs[0].burden(BurdenTotal, 0)
	if err != nil {
		c.Close()
		return nil, err
	}
	for p := 0; p+1 < count; p++ {
		total, err := runs[p+1].burden(BurdenTotal, 0)
		if err != nil {
			c.Close()
			return nil, err
		}
		by := map[string]float64{}
		for b := 0; b < nb; b++ {
			if x := branches[p*nb+b]; !math.IsNaN(x) {
				by[Branch(b).String()] = x
			}
		}
		c.Packages = append(c.Packages, PackageRun{ID: ids[p], Results: runs[p+1],
			Cost:    float64(C.hsec_scenario_package_cost(s.p, C.size_t(p))),
			Averted: base - total, ByBranch: by})
	}
	runtime.KeepAlive(s)
	return c, nil
}

// Choice is a choice of measures under a budget (Optimize).
type Choice struct {
	Measures []string // the measures chosen, in the scenario's order
	Averted  float64  // the no-measure baseline's propagated burden minus the choice's
	Cost     float64
	Budget   float64
	Search   Search
	document []byte
}

// JSON returns the choice document, as hsec optimize writes it.
func (c *Choice) JSON() []byte { return append([]byte(nil), c.document...) }

// Optimize chooses measures within budget to avert the most burden, among
// candidates (measure ids; nil: every measure), greedily or exactly (at
// most SearchExactMax candidates); ctx stops it.
func (s *Scenario) Optimize(ctx context.Context, budget float64, search Search,
	candidates []string) (*Choice, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if search != SearchGreedy && search != SearchExact {
		return nil, invalid("Optimize: search %d is not SearchGreedy or SearchExact", int(search))
	}
	var cand []byte
	if candidates != nil {
		var err error
		if cand, err = s.maskOf(candidates); err != nil {
			return nil, err
		}
	}
	done, err := s.watch(ctx)
	if err != nil {
		return nil, err
	}
	ids := s.measures()
	nm := len(ids)
	chosen := make([]byte, nm+1)
	var averted, cost C.double
	cp, _ := cmask(cand)
	err = done(s.do(C.hsec_scenario_optimize((*C.uchar)(unsafe.Pointer(&chosen[0])), &averted,
		&cost, C.size_t(nm), s.p, C.double(budget), C.hsec_search(search), cp)))
	if err != nil {
		return nil, err
	}
	var text *C.char
	var size C.size_t
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_choice_json(&text, &size, (*C.uchar)(unsafe.Pointer(&chosen[0])),
			C.size_t(nm), averted, cost, C.double(budget), s.p)
	}); err != nil {
		return nil, err
	}
	c := &Choice{Measures: []string{}, Averted: float64(averted), Cost: float64(cost),
		Budget: budget, Search: search, document: C.GoBytes(unsafe.Pointer(text), C.int(size))}
	C.hsec_free_string(text)
	for m, id := range ids {
		if chosen[m] != 0 {
			c.Measures = append(c.Measures, id)
		}
	}
	runtime.KeepAlive(s)
	return c, nil
}

// SubsetNone is the subset number of a range with no subset within the
// budget (OptimizeRange, MergeRanges).
const SubsetNone = uint64(math.MaxUint64)

// RangeBest is the best subset of a range of the exact search
// (doc/distributed.md): Subset its number (SubsetNone: none within the
// budget), Burden its propagated burden, Cost its cost, and Baseline the
// no-measure run's propagated burden (averted = Baseline - Burden).
type RangeBest struct {
	Subset                 uint64
	Burden, Cost, Baseline float64
}

// OptimizeRange searches the subsets first .. last - 1 of the candidates
// (measure ids; nil: every measure), numbered by bits in measure order, as
// one worker of a distributed exact search; ctx stops it.
func (s *Scenario) OptimizeRange(ctx context.Context, budget float64, candidates []string,
	first, last uint64) (RangeBest, error) {
	if err := s.hold(); err != nil {
		return RangeBest{}, err
	}
	defer s.mu.Unlock()
	var cand []byte
	if candidates != nil {
		var err error
		if cand, err = s.maskOf(candidates); err != nil {
			return RangeBest{}, err
		}
	}
	done, err := s.watch(ctx)
	if err != nil {
		return RangeBest{}, err
	}
	cp, cl := cmask(cand)
	if cp == nil {
		cl = C.size_t(len(s.measures()))
	}
	var sub C.uint64_t
	var burden, cost, base C.double
	err = done(s.do(C.hsec_scenario_optimize_range(&sub, &burden, &cost, &base, s.p,
		C.double(budget), cp, cl, C.uint64_t(first), C.uint64_t(last))))
	return RangeBest{uint64(sub), float64(burden), float64(cost), float64(base)}, err
}

// MergeRanges returns the best of the ranges' bests, as one search over
// their union finds it (Baseline is taken from the first).
func MergeRanges(parts ...RangeBest) (RangeBest, error) {
	if len(parts) == 0 {
		return RangeBest{Subset: SubsetNone}, nil
	}
	subs := make([]C.uint64_t, len(parts))
	burdens, costs := doubles(len(parts)), doubles(len(parts))
	for i, p := range parts {
		subs[i], burdens[i], costs[i] = C.uint64_t(p.Subset), p.Burden, p.Cost
	}
	var sub C.uint64_t
	var burden, cost C.double
	err := lastErrmsg(func() C.int {
		return C.hsec_optimize_merge(&sub, &burden, &cost, &subs[0], dptr(burdens), dptr(costs),
			C.size_t(len(parts)))
	})
	return RangeBest{uint64(sub), float64(burden), float64(cost), parts[0].Baseline}, err
}

// OptimizeSubset returns the ids of the measures of subset number subset
// of the candidates (nil: every measure).
func (s *Scenario) OptimizeSubset(candidates []string, subset uint64) ([]string, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var cand []byte
	if candidates != nil {
		var err error
		if cand, err = s.maskOf(candidates); err != nil {
			return nil, err
		}
	}
	ids := s.measures()
	chosen := make([]byte, len(ids)+1)
	cp, _ := cmask(cand)
	if err := lastErrmsg(func() C.int {
		return C.hsec_scenario_optimize_subset((*C.uchar)(unsafe.Pointer(&chosen[0])),
			C.size_t(len(ids)), s.p, cp, C.uint64_t(subset))
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(s)
	out := []string{}
	for m, id := range ids {
		if chosen[m] != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

// Operator is the operator of doc/model.md §2 at one step (Scenario.Operator).
type Operator struct {
	Weight       []float64   // a'_ij of each link, in the order of Links
	Perturbation [][]float64 // [node][threat]: the part of c_i due to each threat
	Recovery     []float64   // k_i of each node (1 in the static operator)
}

// Operator returns the operator with the measures of in in force at a
// dynamic step (>= 0), or the static operator (step -1).
func (s *Scenario) Operator(in InForce, step int) (Operator, error) {
	if err := s.hold(); err != nil {
		return Operator{}, err
	}
	defer s.mu.Unlock()
	if step < -1 {
		return Operator{}, invalid("Operator: step %d is below -1", step)
	}
	mask, err := s.mask(in)
	if err != nil {
		return Operator{}, err
	}
	c := s.compiled()
	n, nnz := int(C.hsec_compiled_node_count(c)), int(C.hsec_compiled_link_count(c))
	h := int(C.hsec_scenario_threat_count(s.p))
	w, p, k := doubles(nnz), doubles(n*h), doubles(n)
	m, ml := cmask(mask)
	if err := s.do(C.hsec_scenario_operator(dptr(w), dptr(p), dptr(k), s.p, m, ml,
		C.int64_t(step))); err != nil {
		return Operator{}, err
	}
	o := Operator{Weight: w, Perturbation: make([][]float64, n), Recovery: k}
	for i := range o.Perturbation {
		o.Perturbation[i] = p[i*h : (i+1)*h : (i+1)*h]
	}
	return o, nil
}

// decode is json.Unmarshal into a map, for the documents.
func decode(b []byte) (map[string]any, error) {
	var doc map[string]any
	return doc, json.Unmarshal(b, &doc)
}

// ComparePart runs packages first .. last-1 of the comparison (each
// package's run and its runs per staff branch) and the no-measure baseline
// they are measured against, and returns their figures as bytes for the
// process that writes the document (CompareMerge; doc/distributed.md);
// ctx stops it.
func (s *Scenario) ComparePart(ctx context.Context, first, last int) ([]byte, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	np := int(C.hsec_scenario_package_count(s.p))
	if first < 0 || first > last || last > np {
		return nil, invalid("ComparePart: packages %d .. %d are not a range within the "+
			"scenario's %d packages", first, last, np)
	}
	done, err := s.watch(ctx)
	if err != nil {
		return nil, err
	}
	nm := int(C.hsec_scenario_measure_count(s.p))
	mask := make([]byte, nm+1)
	m := (*C.uchar)(unsafe.Pointer(&mask[0]))
	var base *C.hsec_result
	res := make([]*C.hsec_result, last-first+1)
	defer func() {
		C.hsec_result_free(base)
		for _, r := range res {
			C.hsec_result_free(r)
		}
	}()
	nb := BranchCount
	branches := doubles((last - first) * nb)
	err = s.do(C.hsec_scenario_run_with(&base, s.p, m, C.size_t(nm)))
	for p := first; err == nil && p < last; p++ {
		k := p - first
		err = s.do(C.hsec_scenario_package_mask(m, C.size_t(nm), s.p, C.size_t(p)))
		if err == nil {
			err = s.do(C.hsec_scenario_run_with(&res[k], s.p, m, C.size_t(nm)))
		}
		if err == nil {
			err = s.do(C.hsec_scenario_compare_branches(dptr(branches[k*nb:]), C.size_t(nb),
				s.p, base, C.size_t(p)))
		}
	}
	if err = done(err); err != nil {
		return nil, err
	}
	var out *C.uchar
	var size C.size_t
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_compare_part_save(&out, &size, &res[0], C.size_t(last-first),
			C.size_t(first), s.p, dptr(branches), C.size_t(len(branches)))
	}); err != nil {
		return nil, err
	}
	defer C.hsec_free_bytes(out)
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

// CompareMerge writes the comparison document (Compare's JSON) from the
// bytes of ComparePart's parts, in any order, which together hold every
// package once: the same bytes however the packages were split. It runs
// the no-measure baseline; ctx stops it.
func (s *Scenario) CompareMerge(ctx context.Context, parts ...[]byte) ([]byte, error) {
	if err := s.hold(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	done, err := s.watch(ctx)
	if err != nil {
		return nil, err
	}
	nm := int(C.hsec_scenario_measure_count(s.p))
	mask := make([]byte, nm+1)
	var base *C.hsec_result
	if err := done(s.do(C.hsec_scenario_run_with(&base, s.p,
		(*C.uchar)(unsafe.Pointer(&mask[0])), C.size_t(nm)))); err != nil {
		return nil, err
	}
	defer C.hsec_result_free(base)
	// the parts in C's memory: an array of pointers may not point to Go's
	n := len(parts)
	ptrs := (*[1 << 28]*C.uchar)(unsafe.Pointer(C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof((*C.uchar)(nil))))))
	lens := (*[1 << 28]C.size_t)(unsafe.Pointer(C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof(C.size_t(0))))))
	if ptrs == nil || lens == nil {
		C.free(unsafe.Pointer(ptrs))
		C.free(unsafe.Pointer(lens))
		return nil, &Error{Code: ErrNoMemory, Message: "out of memory"}
	}
	defer func() {
		for i := 0; i < n; i++ {
			C.free(unsafe.Pointer(ptrs[i]))
		}
		C.free(unsafe.Pointer(ptrs))
		C.free(unsafe.Pointer(lens))
	}()
	for i, p := range parts {
		ptrs[i] = (*C.uchar)(C.CBytes(append(p[:len(p):len(p)], 0)))
		lens[i] = C.size_t(len(p))
	}
	var text *C.char
	var size C.size_t
	if err := lastErrmsg(func() C.int {
		return C.hsec_doc_compare_json_parts(&text, &size, base, &ptrs[0], &lens[0], C.size_t(n),
			s.p)
	}); err != nil {
		return nil, err
	}
	defer C.hsec_free_string(text)
	return C.GoBytes(unsafe.Pointer(text), C.int(size)), nil
}
