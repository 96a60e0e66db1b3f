// Package hsec is a thin Go binding of the hsec C library: human security
// analysis, how threats cascade through the services people depend on into
// first-, second- and third-order effects on their security. Every number
// comes from the library; this package only converts.
//
// The module path is hsec.local/hsec; README.md says how to use it from
// another module (a replace line, libhsec found by pkg-config).
//
// Handles are freed by Close and, if forgotten, by a finalizer. A value
// used after Close returns an *Error with Code ErrClosed. Every failure is
// an *Error carrying the library's code and message: the model's,
// scenario's or loader's own, or for a read-only object (a compiled model,
// results, an ensemble) the message the library keeps per thread. The
// codes are errors themselves: errors.Is(err, hsec.ErrNotFound) tells the
// kind, errors.As(err, &e) with e an *hsec.Error gives code and message.
// Bad input (an unknown name, a negative index, an enumeration value out of
// range) is an error naming the argument and its value, never a panic.
//
// Long calls (runs, rankings, coupling, comparisons, optimisation,
// ensembles, the report) take a context.Context first; a done context stops
// them with an error for which both errors.Is(err, context.Canceled) and
// errors.Is(err, hsec.ErrCanceled) hold (progress.go). The calls that
// predate it (Run, Rank, ...) run with context.Background().
//
// Goroutines: each Model, Scenario, Results and Ensemble has a mutex that
// every method holds while it uses the library's handle, so calls on one
// value from several goroutines run one after the other (each with its own
// error message), and calls on different values run at once. Close waits
// for a call running on the value, then frees it; closing twice does
// nothing. The only Go code the library calls back is the progress check
// of a long call (its context, and the function of SetProgress), which
// runs while the call holds its scenario: calls on that scenario made
// while a progress function runs fail with ErrState. Results and ensembles
// keep their scenario: a Scenario closed while Results of it are open
// refuses every call at once, and is freed when the last of them is closed
// (or finalized); until then the Results read names and write their
// document as before. A call that takes two locks (Results.JSON) takes the
// scenario's before its results'. Everything handed out (Q, Orders,
// series, the getters' slices) is a Go copy, valid after Close.
//
// The package accepts any libhsec of the soname's major version, 1.x
// (libhsec.so.1).
package hsec

// #cgo pkg-config: hsec
// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Code is one of the library's error codes (hsec_error), and ErrClosed for
// a handle used after Close. A Code is an error itself, so that
// errors.Is(err, hsec.ErrNotFound) tells a failure's kind; errors.As with an
// *Error gives the code and the library's message.
type Code int

// Error codes (the library's, and ErrClosed for a closed handle).
const (
	ErrInvalid  Code = C.HSEC_EINVAL    // a bad argument or value
	ErrNoMemory Code = C.HSEC_ENOMEM    // an allocation failed
	ErrNotFound Code = C.HSEC_ENOTFOUND // a name that does not exist
	ErrExists   Code = C.HSEC_EEXIST    // a duplicate id or link
	ErrNoConv   Code = C.HSEC_ENOCONV   // a linear run that cannot converge
	ErrIO       Code = C.HSEC_EIO       // a file could not be read or written
	ErrFormat   Code = C.HSEC_EFORMAT   // a malformed document
	ErrState    Code = C.HSEC_ESTATE    // the call does not fit the object's state
	ErrCanceled Code = C.HSEC_ECANCELED // a context or progress function stopped the call
	ErrLimit    Code = C.HSEC_ELIMIT    // the work would exceed a limit set
	ErrClosed   Code = 1                // the handle is closed
)

// Error returns the library's text for the code ("not found", ...).
func (c Code) Error() string {
	if c == ErrClosed {
		return "hsec: closed"
	}
	return "hsec: " + C.GoString(C.hsec_strerror(C.int(c)))
}

// String returns the code's text, as Error.
func (c Code) String() string { return c.Error() }

// Sizes of the library's fixed arrays, and the index that names nothing.
const (
	DimCount       = C.HSEC_DIM_COUNT        // dimensions of a group
	OrderCount     = C.HSEC_ORDER_COUNT      // orders of effect: 1, 2, 3, 4+
	BandCount      = C.HSEC_BAND_COUNT       // time bands of a dynamic burden
	FreedomCount   = C.HSEC_FREEDOM_COUNT    // freedom indices of a group
	AFCount        = C.HSEC_AF_COUNT         // Alkire-Foster figures: H, A, M0
	SearchExactMax = C.HSEC_SEARCH_EXACT_MAX // most candidates for the exact search
	// Up to this many candidates, a greedy choice is worth checking against
	// the exact search.
	SearchCheckMax = C.HSEC_SEARCH_CHECK_MAX
	// NoIndex is the index that names nothing: a top region's parent, a
	// national service's region (the library's HSEC_NO_INDEX).
	NoIndex = -1
	// Persistent is the duration of a threat or measure in force to the end.
	Persistent = float64(C.HSEC_PERSISTENT)
)

// Error is every failure: the library's code and its message, which names
// the field and the value. errors.Is(err, code) holds for its Code; a call
// stopped by its context (Code ErrCanceled) also unwraps to the context's
// error, so that errors.Is(err, context.Canceled) or
// errors.Is(err, context.DeadlineExceeded) holds too.
type Error struct {
	Code    Code
	Message string
	cause   error // the context's error, or a panic of a progress function
}

func (e *Error) Error() string { return "hsec: " + e.Message }

// Is reports whether target is the error's Code.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap returns what stopped a canceled call: the context's error, or
// nil.
func (e *Error) Unwrap() error { return e.cause }

// invalid is an ErrInvalid *Error with a formatted message.
func invalid(format string, a ...any) error {
	return &Error{Code: ErrInvalid, Message: fmt.Sprintf(format, a...)}
}

func closed(what string) error { return &Error{Code: ErrClosed, Message: what + " is closed"} }

func fail(rc C.int, msg *C.char) error {
	if rc == 0 {
		return nil
	}
	text := C.GoString(msg)
	if text == "" {
		text = C.GoString(C.hsec_strerror(rc))
	}
	return &Error{Code: Code(rc), Message: text}
}

// lastErrmsg makes a call that reports its failure through the thread's
// message (hsec_last_errmsg): a call without a handle or on a read-only one
// (a compiled model, a result, a scenario read through a const pointer). The
// goroutine stays on one thread from the call to the reading of the
// message, which two cgo calls do not otherwise share.
func lastErrmsg(call func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := call()
	if rc == 0 {
		return nil
	}
	return fail(rc, C.hsec_last_errmsg())
}

// accepts tells whether the package works with a library whose
// hsec_version_number is n: one of the soname's major version, within
// which the library only adds.
func accepts(n int) bool { return n/10000 == int(C.HSEC_VERSION_MAJOR) }

func init() {
	if !accepts(VersionNumber()) {
		panic(fmt.Sprintf("hsec: libhsec %s is not of major version %d (libhsec.so.%d), "+
			"the one this package is written for", Version(), int(C.HSEC_VERSION_MAJOR),
			int(C.HSEC_VERSION_MAJOR)))
	}
}

// Version of the linked library (e.g. "1.2.0").
func Version() string { return C.GoString(C.hsec_version_string()) }

// VersionNumber of the linked library: major * 10000 + minor * 100 + patch.
func VersionNumber() int { return int(C.hsec_version_number()) }

func cstr(s string) *C.char { return C.CString(s) }

// enum converts a document name ("energy", "adversary") to its value.
func enum(which C.hsec_enum, name string) (C.int, error) {
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	var v C.int
	if C.hsec_enum_value(&v, which, n) != 0 {
		return 0, unknownName(which, name)
	}
	return v, nil
}

// enumName converts a value to its document name ("" when out of range).
func enumName(which C.hsec_enum, value C.int) string {
	return C.GoString(C.hsec_enum_name(which, value))
}

// index converts an index the library returns, HSEC_NO_INDEX to NoIndex.
func index(i C.size_t) int {
	if i == C.HSEC_NO_INDEX {
		return NoIndex
	}
	return int(i)
}

// Model builds a population model, mirroring hsec_model_*.
type Model struct {
	mu sync.Mutex // held by every call on p
	p  *C.hsec_model
}

// NewModel returns an empty model.
func NewModel() (*Model, error) {
	m := &Model{}
	if err := lastErrmsg(func() C.int { return C.hsec_model_new(&m.p, nil) }); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(m, (*Model).Close)
	return m, nil
}

// Close frees the model, once a call running on it has returned; closing
// twice is fine.
func (m *Model) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p != nil {
		C.hsec_model_free(m.p)
		m.p = nil
	}
}

// hold locks the model for a call: on success the caller unlocks m.mu.
func (m *Model) hold() error {
	m.mu.Lock()
	if m.p == nil {
		m.mu.Unlock()
		return closed("model")
	}
	return nil
}

func (m *Model) do(rc C.int) error {
	err := fail(rc, C.hsec_model_errmsg(m.p))
	runtime.KeepAlive(m)
	return err
}

// AddRegion adds a region; parent may be "".
func (m *Model) AddRegion(id, parent string) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
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
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	i, r := cstr(id), cstr(region)
	defer C.free(unsafe.Pointer(i))
	defer C.free(unsafe.Pointer(r))
	return m.do(C.hsec_model_add_group(m.p, i, r, C.double(size)))
}

// AddService adds a service of a kind ("energy", "water", ...); region may be "".
func (m *Model) AddService(id, kind, region string) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
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
	"onset": C.HSEC_PARAM_ONSET, "onset_time": C.HSEC_PARAM_ONSET_TIME,
}

// Set sets a parameter ("vulnerability", "recovery", ...) of a node
// ("elderly.health") or of a group's seven nodes ("elderly").
func (m *Model) Set(name, param string, value float64) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	p, ok := params[param]
	if !ok {
		return &Error{Code: ErrInvalid, Message: fmt.Sprintf("parameter %q is unknown", param)}
	}
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	return m.do(C.hsec_model_set(m.p, n, p, C.double(value)))
}

// AddLink adds the dependency from -> to with a weight in [0,1] and a lag in steps.
func (m *Model) AddLink(from, to string, weight float64, lag int) error {
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	f, t := cstr(from), cstr(to)
	defer C.free(unsafe.Pointer(f))
	defer C.free(unsafe.Pointer(t))
	return m.do(C.hsec_model_add_link(m.p, f, t, C.double(weight), C.double(lag)))
}

// Compile checks the whole model and returns a scenario on it.
func (m *Model) Compile() (*Scenario, error) {
	if err := m.hold(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var c *C.hsec_compiled
	if err := m.do(C.hsec_model_compile(&c, m.p)); err != nil {
		return nil, err
	}
	defer C.hsec_compiled_free(c) // the scenario keeps its own reference
	var s *C.hsec_scenario
	if err := lastErrmsg(func() C.int { return C.hsec_scenario_new(&s, c) }); err != nil {
		return nil, err
	}
	return newScenario(s), nil
}

// Scenario holds threats, measures and run options on a compiled model.
type Scenario struct {
	mu     sync.Mutex // held by every call on p
	p      *C.hsec_scenario
	closed bool // Close was called; written under mu and rmu

	// The open Results of the scenario, which keep p after Close. rmu is
	// taken last (inside mu, or inside a Results' lock), so that closing
	// results never waits for a run of their scenario.
	rmu     sync.Mutex
	results int

	progress ProgressFunc // SetProgress's, consulted by every long call
	calling  atomic.Bool  // the progress function is running
}

func newScenario(p *C.hsec_scenario) *Scenario {
	s := &Scenario{p: p}
	runtime.SetFinalizer(s, (*Scenario).Close)
	return s
}

// hold locks the scenario for a call: on success the caller unlocks s.mu.
func (s *Scenario) hold() error {
	if err := s.lock(); err != nil {
		return err
	}
	if s.closed {
		s.mu.Unlock()
		return closed("scenario")
	}
	return nil
}

// lock takes s.mu, closed or not (results and ensembles use their closed
// scenario's handle), unless the progress function of a call holding it
// is running: then ErrState rather than a wait that would never end.
func (s *Scenario) lock() error {
	if !s.mu.TryLock() {
		if s.calling.Load() { // a progress function calling its own scenario
			return &Error{Code: ErrState, Message: "scenario is busy: its progress " +
				"function is running and may not call it"}
		}
		s.mu.Lock()
	}
	return nil
}

// keep counts new results of the scenario (s.mu held).
func (s *Scenario) keep() {
	s.rmu.Lock()
	s.results++
	s.rmu.Unlock()
}

// forget counts results closed; the last results of a closed scenario free
// it. No call can be running on it then: the scenario refuses them once
// closed, and these results' own have returned.
func (s *Scenario) forget() {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	s.results--
	if s.closed && s.results == 0 && s.p != nil {
		C.hsec_scenario_free(s.p)
		s.p = nil
	}
}

// Limits set what a loader accepts, by the names of hsec_limit ("nodes",
// "links", "string", "depth", "size", "ratio", "memory"); the others keep their
// defaults.
type Limits map[string]uint64

var limits = map[string]C.hsec_limit{"nodes": C.HSEC_LIMIT_NODES, "links": C.HSEC_LIMIT_LINKS,
	"string": C.HSEC_LIMIT_STRING, "depth": C.HSEC_LIMIT_DEPTH, "size": C.HSEC_LIMIT_SIZE,
	"ratio": C.HSEC_LIMIT_RATIO, "memory": C.HSEC_LIMIT_MEMORY}

// withLoader runs load on a new loader under lim; its failures carry the
// loader's message.
// sortedKeys returns a map's keys in order: Go's map order is random, and
// the library's lists (and which error is reported first) follow the calls.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func withLoader(lim Limits, load func(l *C.hsec_loader, out **C.hsec_scenario) C.int) (*Scenario, error) {
	var l *C.hsec_loader
	if err := lastErrmsg(func() C.int { return C.hsec_loader_new(&l, nil) }); err != nil {
		return nil, err
	}
	defer C.hsec_loader_free(l)
	for _, name := range sortedKeys(lim) { // the same error whatever Go's map order
		value := lim[name]
		what, ok := limits[name]
		if !ok {
			return nil, &Error{Code: ErrInvalid, Message: fmt.Sprintf("limit %q is unknown", name)}
		}
		if rc := C.hsec_loader_set_limit(l, what, C.uint64_t(value)); rc != 0 {
			return nil, fail(rc, C.hsec_loader_errmsg(l))
		}
	}
	var s *C.hsec_scenario
	if rc := load(l, &s); rc != 0 {
		return nil, fail(rc, C.hsec_loader_errmsg(l))
	}
	return newScenario(s), nil
}

// Load reads a scenario document file (JSON, CBOR or the container, told
// apart by their content), under the loader's default limits.
func Load(path string) (*Scenario, error) { return LoadWith(path, nil) }

// LoadWith reads a scenario document file under limits.
func LoadWith(path string, lim Limits) (*Scenario, error) {
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	return withLoader(lim, func(l *C.hsec_loader, out **C.hsec_scenario) C.int {
		return C.hsec_loader_load_file(out, l, p)
	})
}

// LoadBytes reads a scenario document from memory, in any encoding (JSON,
// CBOR or the container), under the loader's default limits.
func LoadBytes(doc []byte) (*Scenario, error) {
	var empty [1]byte
	data := unsafe.Pointer(&empty[0])
	if len(doc) > 0 {
		data = unsafe.Pointer(&doc[0])
	}
	s, err := withLoader(nil, func(l *C.hsec_loader, out **C.hsec_scenario) C.int {
		return C.hsec_loader_load(out, l, data, C.size_t(len(doc)))
	})
	runtime.KeepAlive(doc)
	return s, err
}

// Save writes the scenario as a scenario document, atomically: format is
// "json", "cbor", "container" or "container-zlib". Every link is written
// explicitly, and targets as the nodes and links they resolved to.
func (s *Scenario) Save(path, format string) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	formats := map[string]C.hsec_format{"json": C.HSEC_FORMAT_JSON, "cbor": C.HSEC_FORMAT_CBOR,
		"container": C.HSEC_FORMAT_CONTAINER, "container-zlib": C.HSEC_FORMAT_CONTAINER_ZLIB}
	f, ok := formats[format]
	if !ok {
		return &Error{Code: ErrInvalid, Message: "format \"" + format + "\" is not json, cbor, container or container-zlib"}
	}
	p := cstr(path)
	defer C.free(unsafe.Pointer(p))
	err := lastErrmsg(func() C.int { return C.hsec_doc_save_scenario(p, s.p, f) })
	runtime.KeepAlive(s)
	return err
}

// Close frees the scenario, once a call running on it has returned, or,
// while Results of it are open, when the last of them is closed: from now
// on the scenario refuses every call. Closing twice is fine.
func (s *Scenario) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.results == 0 {
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
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	a, err := enum(C.HSEC_ENUM_THREAT_ACTOR, actor)
	if err != nil {
		return err
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	if err := s.do(C.hsec_scenario_add_threat(s.p, i, C.hsec_threat_actor(a))); err != nil {
		return err
	}
	for _, name := range sortedKeys(targets) { // targets in a fixed order
		mag := targets[name]
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
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	t, ok := timings[what]
	if !ok {
		return &Error{Code: ErrInvalid, Message: fmt.Sprintf("%q is not start, duration or likelihood", what)}
	}
	i := cstr(id)
	defer C.free(unsafe.Pointer(i))
	return s.do(C.hsec_scenario_set_threat(s.p, i, t, C.double(value)))
}

// options holds the run options by their place in a scenario document,
// as the library names them (hsec_option_key), in the library's order.
var options = func() []string {
	var keys []string
	for {
		k := C.hsec_option_key(C.hsec_option(len(keys)))
		if k == nil {
			return keys
		}
		keys = append(keys, C.GoString(k))
	}
}()

// Options returns the run options' names: their places in a scenario
// document ("run.steps", "run.bands[0]", "uncertainty.members").
func Options() []string { return append([]string(nil), options...) }

// option finds a run option by its document key; "run." may be left out.
func option(name string) (C.hsec_option, error) {
	for i, k := range options {
		if k == name || k == "run."+name {
			return C.hsec_option(i), nil
		}
	}
	return 0, &Error{Code: ErrInvalid, Message: fmt.Sprintf("option %q is not one of %v", name, options)}
}

// SetOption sets a run option named by its place in a scenario document
// (Options; "run." may be left out): "steps", "bounded" (0 or 1), "seed",
// "recovery_lambda", "bands[0]", "uncertainty.members", ... Set takes the
// typed Option instead (s.Set(hsec.OptSteps, 60)), and SetMode the mode
// (hsec.ModeDynamic), for which "mode" here takes 0 or 1.
func (s *Scenario) SetOption(name string, value float64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	o, err := option(name)
	if err != nil {
		return err
	}
	return s.do(C.hsec_scenario_set_option(s.p, o, C.double(value)))
}

// Option returns a run option's value (named as for SetOption).
func (s *Scenario) Option(name string) (float64, error) {
	if err := s.hold(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	o, err := option(name)
	if err != nil {
		return 0, err
	}
	var x C.double
	err = lastErrmsg(func() C.int { return C.hsec_scenario_get_option(&x, s.p, o) })
	runtime.KeepAlive(s)
	return float64(x), err
}

// OptionDefault returns the value a run option has until it is set.
func OptionDefault(name string) (float64, error) {
	o, err := option(name)
	if err != nil {
		return 0, err
	}
	var x C.double
	err = lastErrmsg(func() C.int { return C.hsec_option_default(&x, o) })
	return float64(x), err
}

// OptionBounds returns the inclusive range of a run option.
func OptionBounds(name string) (lo, hi float64, err error) {
	o, err := option(name)
	if err != nil {
		return 0, 0, err
	}
	var l, h C.double
	err = lastErrmsg(func() C.int { return C.hsec_option_bounds(&l, &h, o) })
	return float64(l), float64(h), err
}

// OptionWhole tells whether a run option takes whole numbers only.
func OptionWhole(name string) (bool, error) {
	o, err := option(name)
	if err != nil {
		return false, err
	}
	var w C.int
	err = lastErrmsg(func() C.int { return C.hsec_option_whole(&w, o) })
	return w != 0, err
}

// Record keeps the series of a node, or of every node of a group or region.
func (s *Scenario) Record(name string) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	return s.do(C.hsec_scenario_record(s.p, n))
}

// Node returns the index of a node by name.
func (s *Scenario) Node(name string) (int, error) {
	if err := s.hold(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return s.node(name)
}

func (s *Scenario) node(name string) (int, error) {
	i, err := findNode(s.compiled(), name)
	runtime.KeepAlive(s)
	return i, err
}

// findNode finds a node of a compiled model by name.
func findNode(c *C.hsec_compiled, name string) (int, error) {
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	var i C.size_t
	if err := lastErrmsg(func() C.int { return C.hsec_compiled_find_node(&i, c, n) }); err != nil {
		return 0, err
	}
	return int(i), nil
}

// Run runs the scenario with every measure it lists; RunWith takes a
// context and chooses the measures in force.
func (s *Scenario) Run() (*Results, error) {
	return s.RunWith(context.Background(), AllMeasures())
}

// Results is what one run computed. Q and Orders are copies. Until closed,
// results keep their scenario (names and the results document need it),
// even a closed one.
type Results struct {
	mu       sync.Mutex // held by every call on p, inside the scenario's when both are
	p        *C.hsec_result
	s        *Scenario             // kept open for the document while p is
	c        *C.hsec_compiled      // for names: read-only, kept by the scenario
	measures []string              // the scenario's measures when it ran
	Q        []float64             // every node's q
	Orders   [][OrderCount]float64 // every node's orders 1, 2, 3, 4+
}

// newResults wraps what a run of s returned (s.mu held).
func newResults(p *C.hsec_result, s *Scenario) *Results {
	n := int(C.hsec_result_node_count(p))
	r := &Results{p: p, s: s, c: s.compiled(), measures: s.measures(), Q: make([]float64, n),
		Orders: make([][OrderCount]float64, n)}
	if n > 0 {
		q := unsafe.Slice((*float64)(unsafe.Pointer(C.hsec_result_q(p))), n)
		o := unsafe.Slice((*float64)(unsafe.Pointer(C.hsec_result_orders(p))), OrderCount*n)
		copy(r.Q, q)
		for i := range r.Orders {
			copy(r.Orders[i][:], o[OrderCount*i:OrderCount*(i+1)])
		}
	}
	s.keep()
	runtime.SetFinalizer(r, (*Results).Close)
	return r
}

// Close frees the results, once a call running on them has returned; Q
// and Orders stay readable. Closing twice is fine.
func (r *Results) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p != nil {
		C.hsec_result_free(r.p)
		r.p = nil
		r.s.forget()
	}
}

// hold locks the results for a call: on success the caller unlocks r.mu.
func (r *Results) hold() error {
	r.mu.Lock()
	if r.p == nil {
		r.mu.Unlock()
		return closed("results")
	}
	return nil
}

// Series returns q(0) .. q(steps) of a recorded node.
func (r *Results) Series(node string) ([]float64, error) {
	if err := r.hold(); err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	i, err := findNode(r.c, node)
	if err != nil {
		return nil, err
	}
	var v *C.double
	var n C.size_t
	if err := lastErrmsg(func() C.int { return C.hsec_result_series(&v, &n, r.p, C.size_t(i)) }); err != nil {
		return nil, err
	}
	out := make([]float64, int(n))
	copy(out, unsafe.Slice((*float64)(unsafe.Pointer(v)), int(n)))
	runtime.KeepAlive(r)
	return out, nil
}

// Burden returns one part of the burden.
func (r *Results) Burden(part BurdenPart, index int) (float64, error) {
	if err := r.hold(); err != nil {
		return 0, err
	}
	defer r.mu.Unlock()
	return r.burden(part, index)
}

func (r *Results) burden(part BurdenPart, index int) (float64, error) {
	if index < 0 {
		return 0, invalid("burden %s: index %d is below 0", part, index)
	}
	var x C.double
	err := lastErrmsg(func() C.int { return C.hsec_result_burden(&x, r.p, C.hsec_burden(part), C.size_t(index)) })
	runtime.KeepAlive(r)
	return float64(x), err
}

// JSON returns the results document, as `hsec run` writes it.
func (r *Results) JSON() ([]byte, error) {
	// The scenario's lock before the results', closed or not: its handle
	// stays while the results are open.
	s := r.s
	if err := s.lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if err := r.hold(); err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	var text *C.char
	var n C.size_t
	err := lastErrmsg(func() C.int { return C.hsec_doc_results_json(&text, &n, r.p, s.p) })
	runtime.KeepAlive(r)
	if err != nil {
		return nil, err
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
	if err := m.hold(); err != nil {
		return err
	}
	defer m.mu.Unlock()
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
	// Duration in steps; 0 (the zero value) or Persistent: in force to the
	// end. A measure for 0 steps, never in force, is set with SetMeasure.
	Duration float64
}

// AddMeasure adds a measure, with its timing and targets.
func (s *Scenario) AddMeasure(id string, m Measure) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
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
	}{{C.HSEC_TIMING_START, m.Start}, {C.HSEC_TIMING_RAMP, m.Ramp}, {C.HSEC_TIMING_COST, m.Cost},
		{C.HSEC_TIMING_DURATION, durationOf(m.Duration)}} {
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
	if index < 0 {
		return 0, 0, invalid("Group: group %d is below 0", index)
	}
	if err := r.hold(); err != nil {
		return 0, 0, err
	}
	defer r.mu.Unlock()
	var h C.double
	var step C.uint64_t
	err := lastErrmsg(func() C.int {
		return C.hsec_result_group(&step, &h, nil, 0, r.p, C.size_t(index), when(peak))
	})
	runtime.KeepAlive(r)
	return float64(h), uint64(step), err
}
