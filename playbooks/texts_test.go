package playbooks

import (
	"bytes"
	"os"
	"testing"

	"incidentbot/internal/golden"
)

// TestWarnings: plain texts count as the playbook's language (English
// without one), customer-en and customer-fr make one bilingual template,
// and a playbook is pointed out when it mixes languages or lacks the one
// its war rooms speak.
func TestWarnings(t *testing.T) {
	t.Parallel()
	s, err := Load(os.DirFS("testdata"), "languages")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, lang := range []string{"en", "fr"} {
		b.WriteString("BOT_LANGUAGE=" + lang + "\n")
		for _, p := range s.Warnings(lang) {
			b.WriteString(p.String() + "\n")
		}
	}
	golden.Check(t, "languages.golden", b.Bytes())
}
