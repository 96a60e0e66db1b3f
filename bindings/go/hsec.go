// Package hsec is a thin Go binding of the hsec C library: human security
// analysis, how threats cascade through the services people depend on into
// first-, second- and third-order effects on their security. Every number
// comes from the library; this package only converts.
//
// Handles are freed by Close and, if forgotten, by a finalizer. A value
// used after Close returns an *Error with Code ErrClosed.
package hsec

// #cgo pkg-config: hsec
// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"unsafe"
)

// Error codes (the library's, and ErrClosed for a closed handle).
const (
	ErrInvalid   = int(C.HSEC_EINVAL)
	ErrNoMemory  = int(C.HSEC_ENOMEM)
	ErrNotFound  = int(C.HSEC_ENOTFOUND)
	ErrExists    = int(C.HSEC_EEXIST)
	ErrNoConv    = int(C.HSEC_ENOCONV)
	ErrIO        = int(C.HSEC_EIO)
	ErrFormat    = int(C.HSEC_EFORMAT)
	ErrCanceled  = int(C.HSEC_ECANCELED)
	ErrClosed    = 1
	versionMin   = 100
	versionLimit = 10000
)

// Error is every failure: the library's code and its message, which names
// the field and the value.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return "hsec: " + e.Message }

func closed(what string) error { return &Error{ErrClosed, what + " is closed"} }

func fail(rc C.int, msg *C.char) error {
	if rc == 0 {
		return nil
	}
	text := C.GoString(msg)
	if text == "" {
		text = C.GoString(C.hsec_strerror(rc))
	}
	return &Error{int(rc), text}
}

func init() {
	if v := int(C.hsec_version_number()); v < versionMin || v >= versionLimit {
		panic(fmt.Sprintf("hsec: libhsec %s is outside the versions this package accepts",
			C.GoString(C.hsec_version_string())))
	}
}

// Version of the linked library.
func Version() string { return C.GoString(C.hsec_version_string()) }

func cstr(s string) *C.char { return C.CString(s) }

// enum converts a document name ("energy", "adversary") to its value.
func enum(which C.hsec_enum, name string) (C.int, error) {
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	var v C.int
	if C.hsec_enum_value(&v, which, n) != 0 {
		return 0, &Error{ErrInvalid, fmt.Sprintf("%q is not a known name", name)}
	}
	return v, nil
}

// Model builds a population model, mirroring hsec_model_*.
type Model struct{ p *C.hsec_model }

// NewModel returns an empty model.
func NewModel() (*Model, error) {
	m := &Model{}
	if rc := C.hsec_model_new(&m.p, nil); rc != 0 {
		return nil, &Error{int(rc), "out of memory"}
	}
	runtime.SetFinalizer(m, (*Model).Close)
	return m, nil
}

// Close frees the model; closing twice is fine.
func (m *Model) Close() {
	if m.p != nil {
		C.hsec_model_free(m.p)
		m.p = nil
	}
}

func (m *Model) do(rc C.int) error {
	err := fail(rc, C.hsec_model_errmsg(m.p))
	runtime.KeepAlive(m)
	return err
}

// AddRegion adds a region; parent may be "".
func (m *Model) AddRegion(id, parent string) error {
	if m.p == nil {
		return closed("model")
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	var p *C.char
	if parent != "" {
		p = cstr(parent)
		defer C.free(unsafe.Pointer(p))
	}
	return m.do(C.hsec_model_add_region(m.p, i, p))
}

// AddGroup adds a population group of size persons in region.
func (m *Model) AddGroup(id, region string, size float64) error {
	if m.p == nil {
		return closed("model")
	}
	i, r := cstr(id), cstr(region)
	defer C.free(unsafe.Pointer(i))
	defer C.free(unsafe.Pointer(r))
	return m.do(C.hsec_model_add_group(m.p, i, r, C.double(size)))
}

// AddService adds a service of a kind ("energy", "water", ...); region may be "".
func (m *Model) AddService(id, kind, region string) error {
	if m.p == nil {
		return closed("model")
	}
	k, err := enum(C.HSEC_ENUM_SERVICE_KIND, kind)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	var r *C.char
	if region != "" {
		r = cstr(region)
		defer C.free(unsafe.Pointer(r))
	}
	return m.do(C.hsec_model_add_service(m.p, i, C.hsec_service_kind(k), r))
}

var params = map[string]C.hsec_param{
	"vulnerability": C.HSEC_PARAM_VULNERABILITY, "recovery": C.HSEC_PARAM_RECOVERY,
	"recovery_time": C.HSEC_PARAM_RECOVERY_TIME, "weight": C.HSEC_PARAM_WEIGHT,
	"baseline": C.HSEC_PARAM_BASELINE, "initial": C.HSEC_PARAM_INITIAL,
}

// Set sets a parameter ("vulnerability", "recovery", ...) of a node
// ("elderly.health") or of a group's seven nodes ("elderly").
func (m *Model) Set(name, param string, value float64) error {
	if m.p == nil {
		return closed("model")
	}
	p, ok := params[param]
	if !ok {
		return &Error{ErrInvalid, fmt.Sprintf("parameter %q is unknown", param)}
	}
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	return m.do(C.hsec_model_set(m.p, n, p, C.double(value)))
}

// AddLink adds the dependency from -> to with a weight in [0,1] and a lag in steps.
func (m *Model) AddLink(from, to string, weight float64, lag int) error {
	if m.p == nil {
		return closed("model")
	}
	f, t := cstr(from), cstr(to)
	defer C.free(unsafe.Pointer(f))
	defer C.free(unsafe.Pointer(t))
	return m.do(C.hsec_model_add_link(m.p, f, t, C.double(weight), C.double(lag)))
}

// Compile checks the whole model and returns a scenario on it.
func (m *Model) Compile() (*Scenario, error) {
	if m.p == nil {
		return nil, closed("model")
	}
	var c *C.hsec_compiled
	if err := m.do(C.hsec_model_compile(&c, m.p)); err != nil {
		return nil, err
	}
	defer C.hsec_compiled_free(c) // the scenario keeps its own reference
	s := &Scenario{}
	if rc := C.hsec_scenario_new(&s.p, c); rc != 0 {
		return nil, &Error{int(rc), "out of memory"}
	}
	runtime.SetFinalizer(s, (*Scenario).Close)
	return s, nil
}

// Scenario holds threats, measures and run options on a compiled model.
type Scenario struct{ p *C.hsec_scenario }

func newScenario(p *C.hsec_scenario) *Scenario {
	s := &Scenario{p}
	runtime.SetFinalizer(s, (*Scenario).Close)
	return s
}

// Load reads a scenario document (JSON, CBOR or the container).
func Load(path string) (*Scenario, error) {
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	var s *C.hsec_scenario
	var msg [512]C.char
	if rc := C.hsec_doc_load_file(&s, p, nil, &msg[0], 512); rc != 0 {
		return nil, fail(rc, &msg[0])
	}
	return newScenario(s), nil
}

// LoadJSON reads a scenario document from JSON text.
func LoadJSON(doc []byte) (*Scenario, error) {
	if len(doc) == 0 {
		doc = []byte(" ")
	}
	var s *C.hsec_scenario
	var msg [512]C.char
	rc := C.hsec_doc_load_json(&s, (*C.char)(unsafe.Pointer(&doc[0])), C.size_t(len(doc)), nil,
		&msg[0], 512)
	runtime.KeepAlive(doc)
	if rc != 0 {
		return nil, fail(rc, &msg[0])
	}
	return newScenario(s), nil
}

// Save writes the scenario as a scenario document, atomically: format is
// "json", "cbor", "container" or "container-zlib". Every link is written
// explicitly, and targets as the nodes and links they resolved to.
func (s *Scenario) Save(path, format string) error {
	if s.p == nil {
		return closed("scenario")
	}
	formats := map[string]C.hsec_format{"json": C.HSEC_FORMAT_JSON, "cbor": C.HSEC_FORMAT_CBOR,
		"container": C.HSEC_FORMAT_CONTAINER, "container-zlib": C.HSEC_FORMAT_CONTAINER_ZLIB}
	f, ok := formats[format]
	if !ok {
		return &Error{int(C.HSEC_EINVAL), "format \"" + format + "\" is not json, cbor, container or container-zlib"}
	}
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	rc := C.hsec_doc_save_scenario(p, s.p, f)
	runtime.KeepAlive(s)
	if rc != 0 {
		return &Error{int(rc), "cannot save " + path + ": " + C.GoString(C.hsec_strerror(rc))}
	}
	return nil
}

// Close frees the scenario; closing twice is fine.
func (s *Scenario) Close() {
	if s.p != nil {
		C.hsec_scenario_free(s.p)
		s.p = nil
	}
}

func (s *Scenario) do(rc C.int) error {
	err := fail(rc, C.hsec_scenario_errmsg(s.p))
	runtime.KeepAlive(s)
	return err
}

// AddThreat adds a threat by an actor ("adversary", "natural", ...) on
// targets (node, group or region: magnitude).
func (s *Scenario) AddThreat(id, actor string, targets map[string]float64) error {
	if s.p == nil {
		return closed("scenario")
	}
	a, err := enum(C.HSEC_ENUM_THREAT_ACTOR, actor)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	if err := s.do(C.hsec_scenario_add_threat(s.p, i, C.hsec_threat_actor(a))); err != nil {
		return err
	}
	for name, mag := range targets {
		n := cstr(name)
		err := s.do(C.hsec_scenario_add_threat_target(s.p, i, n, C.double(mag)))
		C.free(unsafe.Pointer(n))
		if err != nil {
			return err
		}
	}
	return nil
}

var timings = map[string]C.hsec_timing{"start": C.HSEC_TIMING_START,
	"duration": C.HSEC_TIMING_DURATION, "likelihood": C.HSEC_TIMING_LIKELIHOOD}

// SetThreat sets a threat's "start", "duration" or "likelihood".
func (s *Scenario) SetThreat(id, what string, value float64) error {
	if s.p == nil {
		return closed("scenario")
	}
	t, ok := timings[what]
	if !ok {
		return &Error{ErrInvalid, fmt.Sprintf("%q is not start, duration or likelihood", what)}
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	return s.do(C.hsec_scenario_set_threat(s.p, i, t, C.double(value)))
}

var options = map[string]C.hsec_option{"mode": C.HSEC_OPT_MODE, "steps": C.HSEC_OPT_STEPS,
	"bounded": C.HSEC_OPT_BOUNDED, "seed": C.HSEC_OPT_SEED,
	"recovery_lambda": C.HSEC_OPT_RECOVERY_LAMBDA}

// SetOption sets a run option: "mode" (0 static, 1 dynamic), "steps",
// "bounded" (0 or 1), "seed", "recovery_lambda".
func (s *Scenario) SetOption(name string, value float64) error {
	if s.p == nil {
		return closed("scenario")
	}
	o, ok := options[name]
	if !ok {
		return &Error{ErrInvalid, fmt.Sprintf("option %q is unknown", name)}
	}
	return s.do(C.hsec_scenario_set_option(s.p, o, C.double(value)))
}

// Record keeps the series of a node, or of every node of a group or region.
func (s *Scenario) Record(name string) error {
	if s.p == nil {
		return closed("scenario")
	}
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	return s.do(C.hsec_scenario_record(s.p, n))
}

// Node returns the index of a node by name.
func (s *Scenario) Node(name string) (int, error) {
	if s.p == nil {
		return 0, closed("scenario")
	}
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	var i C.size_t
	rc := C.hsec_compiled_find_node(&i, C.hsec_scenario_compiled(s.p), n)
	runtime.KeepAlive(s)
	if rc != 0 {
		return 0, &Error{int(rc), fmt.Sprintf("no node %q", name)}
	}
	return int(i), nil
}

// Run runs the scenario with every measure it lists.
func (s *Scenario) Run() (*Results, error) {
	if s.p == nil {
		return nil, closed("scenario")
	}
	var r *C.hsec_result
	if err := s.do(C.hsec_scenario_run(&r, s.p)); err != nil {
		return nil, err
	}
	return newResults(r, s), nil
}

// Results is what one run computed. Q and Orders are copies.
type Results struct {
	p      *C.hsec_result
	s      *Scenario
	Q      []float64    // every node's q
	Orders [][4]float64 // every node's orders 1, 2, 3, 4+
}

func newResults(p *C.hsec_result, s *Scenario) *Results {
	n := int(C.hsec_result_node_count(p))
	r := &Results{p: p, s: s, Q: make([]float64, n), Orders: make([][4]float64, n)}
	if n > 0 {
		q := unsafe.Slice((*float64)(unsafe.Pointer(C.hsec_result_q(p))), n)
		o := unsafe.Slice((*float64)(unsafe.Pointer(C.hsec_result_orders(p))), 4*n)
		copy(r.Q, q)
		for i := range r.Orders {
			copy(r.Orders[i][:], o[4*i:4*i+4])
		}
	}
	runtime.SetFinalizer(r, (*Results).Close)
	return r
}

// Close frees the results; Q and Orders stay readable.
func (r *Results) Close() {
	if r.p != nil {
		C.hsec_result_free(r.p)
		r.p = nil
	}
}

// Series returns q(0) .. q(steps) of a recorded node.
func (r *Results) Series(node string) ([]float64, error) {
	if r.p == nil {
		return nil, closed("results")
	}
	i, err := r.s.Node(node)
	if err != nil {
		return nil, err
	}
	var v *C.double
	var n C.size_t
	rc := C.hsec_result_series(&v, &n, r.p, C.size_t(i))
	if rc != 0 {
		return nil, &Error{int(rc), fmt.Sprintf("node %q was not recorded", node)}
	}
	out := make([]float64, int(n))
	copy(out, unsafe.Slice((*float64)(unsafe.Pointer(v)), int(n)))
	runtime.KeepAlive(r)
	return out, nil
}

// Burden parts, as hsec_burden.
const (
	BurdenTotal      = int(C.HSEC_BURDEN_TOTAL)
	BurdenBaseline   = int(C.HSEC_BURDEN_BASELINE)
	BurdenPropagated = int(C.HSEC_BURDEN_PROPAGATED)
	BurdenBand       = int(C.HSEC_BURDEN_BAND)
	BurdenOrder      = int(C.HSEC_BURDEN_ORDER)
	BurdenThreat     = int(C.HSEC_BURDEN_THREAT)
	BurdenGroup      = int(C.HSEC_BURDEN_GROUP)
)

// Burden returns one part of the burden.
func (r *Results) Burden(part, index int) (float64, error) {
	if r.p == nil {
		return 0, closed("results")
	}
	var x C.double
	rc := C.hsec_result_burden(&x, r.p, C.hsec_burden(part), C.size_t(index))
	runtime.KeepAlive(r)
	if rc != 0 {
		return 0, &Error{int(rc), fmt.Sprintf("burden part %d [%d] does not exist", part, index)}
	}
	return float64(x), nil
}

// JSON returns the results document, as `hsec run` writes it.
func (r *Results) JSON() ([]byte, error) {
	if r.p == nil {
		return nil, closed("results")
	}
	if r.s.p == nil {
		return nil, closed("scenario")
	}
	var text *C.char
	var n C.size_t
	rc := C.hsec_doc_results_json(&text, &n, r.p, r.s.p)
	runtime.KeepAlive(r)
	if rc != 0 {
		return nil, &Error{int(rc), C.GoString(C.hsec_strerror(rc))}
	}
	defer C.hsec_free_string(text)
	return C.GoBytes(unsafe.Pointer(text), C.int(n)), nil
}

// Document returns the results document decoded.
func (r *Results) Document() (map[string]any, error) {
	b, err := r.JSON()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	return doc, json.Unmarshal(b, &doc)
}

// UseTemplate applies a default coupling template: "dimensions" or "services".
func (m *Model) UseTemplate(name string) error {
	if m.p == nil {
		return closed("model")
	}
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	return m.do(C.hsec_model_use_template(m.p, n))
}

// Measure describes a protection or empowerment measure for AddMeasure.
type Measure struct {
	Kind     string      // "protection" or "empowerment"
	Effect   string      // "shield", "decouple", "recover", "reduce_vulnerability"
	Actor    string      // "military", "community", ...
	Strength float64     // the fraction (or delta for recover)
	Targets  []string    // nodes, groups or regions (not for decouple)
	Links    [][2]string // {from, to}, from "" for every link into to (decouple)
	Start    float64
	Ramp     float64
	Cost     float64
}

// AddMeasure adds a measure; durations are persistent.
func (s *Scenario) AddMeasure(id string, m Measure) error {
	if s.p == nil {
		return closed("scenario")
	}
	kind, err := enum(C.HSEC_ENUM_MEASURE_KIND, m.Kind)
	if err != nil {
		return err
	}
	effect, err := enum(C.HSEC_ENUM_EFFECT, m.Effect)
	if err != nil {
		return err
	}
	actor, err := enum(C.HSEC_ENUM_MEASURE_ACTOR, m.Actor)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	if err := s.do(C.hsec_scenario_add_measure(s.p, i, C.hsec_measure_kind(kind),
		C.hsec_effect(effect), C.hsec_measure_actor(actor), C.double(m.Strength))); err != nil {
		return err
	}
	for _, t := range []struct {
		what  C.hsec_timing
		value float64
	}{{C.HSEC_TIMING_START, m.Start}, {C.HSEC_TIMING_RAMP, m.Ramp}, {C.HSEC_TIMING_COST, m.Cost}} {
		if err := s.do(C.hsec_scenario_set_measure(s.p, i, t.what, C.double(t.value))); err != nil {
			return err
		}
	}
	for _, name := range m.Targets {
		n := cstr(name)
		err := s.do(C.hsec_scenario_add_measure_target(s.p, i, n))
		C.free(unsafe.Pointer(n))
		if err != nil {
			return err
		}
	}
	for _, l := range m.Links {
		var f *C.char
		if l[0] != "" {
			f = cstr(l[0])
		}
		t := cstr(l[1])
		err := s.do(C.hsec_scenario_add_measure_link(s.p, i, f, t))
		C.free(unsafe.Pointer(f))
		C.free(unsafe.Pointer(t))
		if err != nil {
			return err
		}
	}
	return nil
}

// Group returns a group's vital-core index at its peak (or at the last
// step) and that step.
func (r *Results) Group(index int, peak bool) (float64, uint64, error) {
	if r.p == nil {
		return 0, 0, closed("results")
	}
	at := C.hsec_at(C.HSEC_AT_LAST)
	if peak {
		at = C.HSEC_AT_PEAK
	}
	var h C.double
	var step C.uint64_t
	rc := C.hsec_result_group(&step, &h, nil, r.p, C.size_t(index), at)
	runtime.KeepAlive(r)
	if rc != 0 {
		return 0, 0, &Error{int(rc), fmt.Sprintf("no group %d", index)}
	}
	return float64(h), uint64(step), nil
}
