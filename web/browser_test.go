package web_test

// Browser tests: headless Chromium driven by chromedp against the real
// pages over a real listener. Without Chromium they skip, saying how to
// install it, except in CI (CI=true), where they fail: they cannot skip
// there unseen.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/web"
)

// chromiumPath finds Chromium (CHROMIUM_PATH, else on PATH), skipping the
// test when there is none, or failing it in CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const how = "no Chromium found: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH"
	if os.Getenv("CI") == "true" {
		t.Fatal(how + "; browser tests must run in CI")
	}
	t.Skip(how)
	return ""
}

// browser is one headless tab that records JavaScript errors.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	b := &browser{t: t}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(b.record))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	b.ctx = ctx
	// Phone-sized: every page must fit 390 CSS pixels without scrolling sideways.
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	return b
}

// record keeps console errors, uncaught exceptions and failed loads.
func (b *browser) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			msg = "console.error"
			for _, a := range ev.Args {
				msg += " " + string(a.Value)
			}
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			msg = "log: " + ev.Entry.Text + " " + ev.Entry.URL
		}
	}
	if msg != "" {
		b.mu.Lock()
		b.errors = append(b.errors, msg)
		b.mu.Unlock()
	}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// until polls js in the page until it is true, failing after 10 seconds.
func (b *browser) until(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](b, js) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: not within 10s (page: %s)", what, eval[string](b, `document.body.innerText`))
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not a wait for work
	}
}

// noHorizontalScroll checks the page fits the viewport's width.
func (b *browser) noHorizontalScroll(page string) {
	b.t.Helper()
	if got := eval[string](b, `document.documentElement.scrollWidth + "/" + window.innerWidth`); func() bool {
		var sw, iw int
		_, err := fmt.Sscanf(got, "%d/%d", &sw, &iw)
		return err != nil || sw > iw
	}() {
		b.t.Errorf("%s scrolls sideways on a 390-pixel phone: scrollWidth/innerWidth %s", page, got)
	}
}

// noErrors checks the pages logged no JavaScript error.
func (b *browser) noErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.t.Errorf("JavaScript errors in the console:\n%s", strings.Join(b.errors, "\n"))
	}
}

// TestBrowserStatusPage opens the status page in both languages on a
// phone: language, state and customer message shown, nothing wider than
// the screen, no JavaScript error. Under -update it writes the screenshot
// README.md shows.
func TestBrowserStatusPage(t *testing.T) {
	b := newBrowser(t)
	p := newPage(t, storetest.SQLite(t), web.Config{ShopURL: "https://shop.example.com/"})
	p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage"})
	past := p.declare(incidentbot.Incident{Severity: incidentbot.SEV2, Type: "checkout-failure", DeclaredAt: now.Add(-72 * time.Hour)})
	p.setStatus(past.ID, incidentbot.StatusResolved, now.Add(-71*time.Hour))
	p.refresh()

	for _, tc := range []struct {
		name, path, accept string
		lang, state, text  string
	}{
		{"English by query", "/status?lang=en", "", "en", "Major outage", "Our online shop has a technical problem"},
		{"French by query", "/status?lang=fr", "", "fr", "Panne majeure", "Notre boutique en ligne rencontre actuellement un problème technique"},
		{"French by the browser", "/status", "fr-FR,fr;q=0.9", "fr", "Panne majeure", "Le paiement fonctionne de nouveau"},
		{"home page", "/", "", "en", "", "Chat is off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			headers := network.Headers{}
			if tc.accept != "" {
				headers["Accept-Language"] = tc.accept
			}
			b.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
				_, err := cdp.Call(ctx, target, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
				return err
			}), chromedp.Navigate(p.srv.URL+tc.path))
			if got := eval[string](b, `document.documentElement.lang`); got != tc.lang {
				t.Errorf("lang %q, want %q", got, tc.lang)
			}
			if tc.state != "" {
				if got := eval[string](b, `document.getElementById("now").textContent`); got != tc.state {
					t.Errorf("state %q, want %q", got, tc.state)
				}
			}
			if text := eval[string](b, `document.body.innerText`); !strings.Contains(text, tc.text) || strings.Contains(text, secretTitle) {
				t.Errorf("the page lacks %q or shows the title:\n%s", tc.text, text)
			}
			if got := eval[string](b, `getComputedStyle(document.body).fontFamily`); !strings.Contains(got, "system-ui") {
				t.Errorf("the stylesheet did not load: body font %q", got)
			}
			b.noHorizontalScroll(tc.path)
		})
	}
	b.t = t

	b.do(chromedp.Navigate(p.srv.URL + "/status?lang=en"))
	shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(shot, []byte("\x89PNG")) || len(shot) < 5000 {
		t.Errorf("the screenshot is not a PNG (%d bytes)", len(shot))
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(filepath.Join("..", "docs", "status-page.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.noErrors()
}

// TestBrowserBanner: a plain shop page on another origin carries the
// banner snippet; the banner appears when an incident opens, with the
// customer message, and disappears when it resolves.
func TestBrowserBanner(t *testing.T) {
	b := newBrowser(t)
	p := newPage(t, storetest.SQLite(t), web.Config{Poll: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.site.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Example Shop</h1><p>Sneakers and more.</p><script src="%s/status/banner.js" data-interval="1" async></script></body></html>`, p.srv.URL)
	}))
	t.Cleanup(shop.Close)

	b.do(chromedp.Navigate(shop.URL))
	b.until("the banner script loaded", `document.readyState === "complete"`)
	if eval[bool](b, `document.getElementById("incidentbot-banner") !== null`) {
		t.Fatal("a banner shows with no incident open")
	}

	inc := p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "checkout-failure"})
	b.until("the banner appears", `(document.getElementById("incidentbot-banner") || {}).innerText !== undefined`)
	text := eval[string](b, `document.getElementById("incidentbot-banner").innerText`)
	if !strings.Contains(text, "Payments on our shop are failing right now") || strings.Contains(text, secretTitle) {
		t.Errorf("banner text %q, want the checkout-failure customer message", text)
	}
	if role := eval[string](b, `document.getElementById("incidentbot-banner").getAttribute("role")`); role != "status" {
		t.Errorf("banner role %q, want status (read out by screen readers)", role)
	}
	b.noHorizontalScroll("the shop page with the banner")

	p.setStatus(inc.ID, incidentbot.StatusResolved, now)
	b.until("the banner disappears", `document.getElementById("incidentbot-banner") === null`)
	b.noErrors()
}
