package hsec

// #include <hsec.h>
// #include <stdlib.h>
// #include <string.h>
// #include <stdint.h>
// void hsecgo_report_progress(hsec_report_options *o, uintptr_t handle);
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// ReportOptions chooses what the HTML report shows. Package (an id, or
// "none" for no measure) or Measures (their ids) set the measures in force;
// with neither, every measure is. Ensemble > 0 adds the p5-p95 bands of an
// ensemble of that many members. Title "" is the library's default.
type ReportOptions struct {
	Title    string
	Package  string
	Measures []string
	Ensemble uint64
}

// ReportHTML returns the HTML report of the scenario (hsec report): one
// self-contained page to read and print. The scenario is not changed.
func (s *Scenario) ReportHTML(o ReportOptions) (string, error) {
	return s.ReportHTMLContext(context.Background(), o)
}

// ReportHTMLContext is ReportHTML stopped by ctx (the report's runs and
// its ensemble).
func (s *Scenario) ReportHTMLContext(ctx context.Context, o ReportOptions) (string, error) {
	if err := s.hold(); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	var mask []byte
	var err error
	switch {
	case o.Package != "" && o.Measures != nil:
		return "", &Error{Code: ErrInvalid, Message: "give Measures or Package, not both"}
	case o.Package != "":
		mask, err = s.packageMask(o.Package)
	case o.Measures != nil:
		mask, err = s.maskOf(o.Measures)
	}
	if err != nil {
		return "", err
	}
	// The options hold pointers, so they live in C memory (cgo's rule on
	// Go pointers to Go pointers).
	opts := (*C.hsec_report_options)(C.calloc(1, C.sizeof_hsec_report_options))
	if opts == nil {
		return "", &Error{Code: ErrNoMemory, Message: "out of memory"}
	}
	defer C.free(unsafe.Pointer(opts))
	opts.version = C.HSEC_REPORT_OPTIONS_VERSION
	if o.Title != "" {
		opts.title = C.CString(o.Title)
		defer C.free(unsafe.Pointer(opts.title))
	}
	if mask != nil {
		cm := (*C.uchar)(C.malloc(C.size_t(len(mask) + 1)))
		if cm == nil {
			return "", &Error{Code: ErrNoMemory, Message: "out of memory"}
		}
		defer C.free(unsafe.Pointer(cm))
		if len(mask) > 0 {
			C.memcpy(unsafe.Pointer(cm), unsafe.Pointer(&mask[0]), C.size_t(len(mask)))
		}
		opts.mask = cm
		opts.mask_len = C.size_t(len(mask))
	}
	opts.ensemble_members = C.uint64_t(o.Ensemble)
	if ctx == nil {
		return "", invalid("context is nil")
	}
	if err := ctx.Err(); err != nil {
		return "", &Error{Code: ErrCanceled, Message: "canceled before the call: " + err.Error(),
			cause: context.Cause(ctx)}
	}
	p := &progress{ctx: ctx, fn: s.progress, s: s}
	h := cgo.NewHandle(p)
	defer h.Delete()
	C.hsecgo_report_progress(opts, C.uintptr_t(h))
	var text *C.char
	var n C.size_t
	err = p.wrap(lastErrmsg(func() C.int { return C.hsec_doc_report_html(&text, &n, s.p, opts) }))
	runtime.KeepAlive(s)
	if err != nil {
		return "", err
	}
	defer C.hsec_free_string(text)
	return C.GoStringN(text, C.int(n)), nil
}
