// Package i18n is the message catalog: every text the bot shows people, in
// English and French, looked up by id, with CLDR plural rules (go-i18n),
// and the number, money, duration and time formats of each language.
// Message files are embedded; a test fails when an id lacks a language or
// its placeholders differ between languages.
package i18n

import (
	"embed"
	"io/fs"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Default is the language used when none is known or asked for.
const Default = "en"

// Supported lists the languages the catalog speaks, the default first.
var Supported = []string{"en", "fr"}

//go:embed messages/*.yaml
var files embed.FS

var (
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	ids        = map[string]bool{} // of the default language
)

// init loads the embedded files; one that does not parse is a build mistake.
func init() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	localizers = make(map[string]*goi18n.Localizer, len(Supported))
	for _, lang := range Supported {
		for _, path := range messageFiles(lang) {
			buf, err := files.ReadFile(path)
			if err != nil {
				panic(err)
			}
			mf, err := bundle.ParseMessageFileBytes(buf, path)
			if err != nil {
				panic(err)
			}
			if lang == Default {
				for _, m := range mf.Messages {
					ids[m.ID] = true
				}
			}
		}
		localizers[lang] = goi18n.NewLocalizer(bundle, lang)
	}
}

// messageFiles lists lang's files: messages/<lang>.yaml and one
// messages/<area>.<lang>.yaml per part of the product, so that work on
// one part does not touch another's file.
func messageFiles(lang string) []string {
	paths, err := fs.Glob(files, "messages/*."+lang+".yaml")
	if err != nil {
		panic(err)
	}
	return append([]string{"messages/" + lang + ".yaml"}, paths...)
}

// Match maps a platform or browser locale ("fr-FR", "fr_CA", "EN") to a
// supported language, or "" when it names none.
func Match(locale string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(locale), "_", "-"), "-")
	base = strings.ToLower(base)
	for _, l := range Supported {
		if l == base {
			return l
		}
	}
	return ""
}

// Or returns the first of langs the catalog speaks, else Default.
func Or(langs ...string) string {
	for _, l := range langs {
		if _, ok := localizers[l]; ok {
			return l
		}
	}
	return Default
}

// Has reports whether the catalog holds message id.
func Has(id string) bool { return ids[id] }

// T returns message id in lang with data (a map or struct) filled in. An
// unknown language falls back to Default; an unknown id returns the id, so
// a mistake shows instead of an empty message (the catalog test forbids it).
func T(lang, id string, data any) string {
	return localize(lang, &goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// N is T for a message with plural forms chosen by count (CLDR rules: in
// French 0 and 1 are singular); data gets Count when it is a map or nil.
func N(lang, id string, count int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["Count"]; !ok {
		data["Count"] = count
	}
	return localize(lang, &goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
}

func localize(lang string, c *goi18n.LocalizeConfig) string {
	l, ok := localizers[lang]
	if !ok {
		l = localizers[Default]
	}
	s, err := l.Localize(c)
	if err != nil {
		return c.MessageID
	}
	return s
}
