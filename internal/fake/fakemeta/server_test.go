package fakemeta

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	items := func(n int, body string) string {
		var its []string
		for range n {
			its = append(its, fmt.Sprintf(`{"method":"POST","relative_url":"1","body":%q}`, body))
		}
		return "[" + strings.Join(its, ",") + "]"
	}
	tests := []struct {
		name       string
		batch      string
		wantStatus int
		wantText   string
		want       string // campaign 1 afterwards
	}{
		{"over the limit", items(MaxBatch+1, "status=PAUSED"), 400, "Maximum batch size is 50", Active},
		{"validate only", items(1, `status=PAUSED&execution_options=["validate_only"]`), 200, `\"success\":true`, Active},
		{"applied", items(MaxBatch, "status=PAUSED"), 200, `\"success\":true`, Paused},
		{"unknown object", `[{"method":"POST","relative_url":"99","body":"status=PAUSED"}]`, 200, `\"error_subcode\":33`, Active},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			s.AddCampaign("act_42", Campaign{ID: "1", Status: Active})
			resp, err := http.PostForm(s.URL()+"/"+Version+"/", url.Values{"access_token": {s.Token()}, "batch": {tc.batch}, "include_headers": {"false"}})
			if err != nil {
				t.Fatalf("post: %v", err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(string(b), tc.wantText) {
				t.Errorf("got %d %.300s, want %d with %s", resp.StatusCode, b, tc.wantStatus, tc.wantText)
			}
			if c, _ := s.Campaign("42", "1"); c.Status != tc.want {
				t.Errorf("campaign 1: got %s, want %s", c.Status, tc.want)
			}
		})
	}
}

func TestPagingNextKeepsToken(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.AddCampaigns("42", 3, Active)
	resp, err := http.Get(s.URL() + "/" + Version + "/act_42/campaigns?fields=id,status&limit=2&access_token=" + s.Token())
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	defer resp.Body.Close()
	var page struct {
		Data   []map[string]string `json:"data"`
		Paging struct {
			Next string `json:"next"`
		} `json:"paging"`
	}
	json.NewDecoder(resp.Body).Decode(&page)
	if len(page.Data) != 2 || !strings.Contains(page.Paging.Next, "access_token=") {
		t.Errorf("got %d rows and next %q, want 2 and a next URL repeating the token", len(page.Data), page.Paging.Next)
	}
}

func TestAdLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fields string
		wantStatus   int
		wantText     string
	}{
		{"names only", "id,adlabels{name}", http.StatusOK, `"adlabels":[{"name":"Brand"},{"name":"FR"}]`},
		{"default label fields", "adlabels", http.StatusOK, `"id":"238`},
		{"no labels, no field", "id,adlabels{name}", http.StatusOK, `{"id":"2"}`},
		{"unknown label field", "adlabels{color}", http.StatusBadRequest, "(color) on node type (AdLabel)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			s.AddCampaign("42", Campaign{ID: "1", Status: Active, Labels: []string{"Brand", "FR"}})
			s.AddCampaign("42", Campaign{ID: "2", Status: Active})
			q := url.Values{"fields": {tc.fields}, "access_token": {s.Token()}}
			resp, err := http.Get(s.URL() + "/" + Version + "/act_42/campaigns?" + q.Encode())
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(string(b), tc.wantText) {
				t.Errorf("got %d %s, want %d with %s", resp.StatusCode, b, tc.wantStatus, tc.wantText)
			}
		})
	}
}

// TestBatchTokenParameter: a batch carries its token as the access_token
// parameter; the Authorization header alone is refused (code 104).
func TestBatchTokenParameter(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.AddCampaign("act_42", Campaign{ID: "1", Status: Active})
	form := url.Values{"batch": {`[{"method":"POST","relative_url":"1","body":"status=PAUSED"}]`}}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+Version+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"code":104`) {
		t.Errorf("got %d %s, want 400 with code 104", resp.StatusCode, b)
	}
	if c, _ := s.Campaign("42", "1"); c.Status != Active {
		t.Errorf("campaign 1: got %s, want %s (unchanged)", c.Status, Active)
	}
}
