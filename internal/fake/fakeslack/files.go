package fakeslack

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// The external upload, as Slack documents it (api.slack.com/messaging/files
// and the methods files.getUploadURLExternal and
// files.completeUploadExternal): the first call reserves a file id and an
// upload URL for a declared length; the bytes go to that URL in a POST
// (raw or multipart); the last call shares the uploaded files to a channel
// in one message, with initial_comment or else blocks as its text. The
// fake serves the upload URL itself and keeps every file for assertions.

// uploadPath is where the fake's upload URLs point.
const uploadPath = "/upload/v1/"

// File is an uploaded file.
type File struct {
	ID       string
	Name     string
	Title    string
	Length   int    // as declared to files.getUploadURLExternal
	Content  string // the bytes uploaded
	Uploaded bool
	Shared   bool
}

// Files returns every file the fake holds, in upload order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, len(s.files))
	for i, f := range s.files {
		out[i] = *f
	}
	return out
}

func (s *Server) file(id string) *File {
	for _, f := range s.files {
		if f.ID == id {
			return f
		}
	}
	return nil
}

func (s *Server) filesGetUploadURLExternal(p params) (any, string) {
	name := p.get("filename")
	length, err := strconv.Atoi(p.get("length"))
	if name == "" || err != nil || length < 1 {
		return nil, "invalid_arguments"
	}
	s.seq++
	f := &File{ID: "F" + strconv.Itoa(1000000+s.seq), Name: name, Length: length}
	s.files = append(s.files, f)
	return map[string]any{"upload_url": s.http.URL() + uploadPath + f.ID, "file_id": f.ID}, ""
}

// serveUpload receives a file's bytes at its upload URL: a multipart form
// (the file in any part) or the raw body. Slack answers 200 "OK - <length>".
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, uploadPath)
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	content, err := uploadedBytes(r)
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.file(id)
	if f == nil || f.Shared {
		http.Error(w, "upload url not found or expired", http.StatusNotFound)
		return
	}
	f.Content, f.Uploaded = string(content), true
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

func uploadedBytes(r *http.Request) ([]byte, error) {
	body := io.LimitReader(r.Body, 10<<20)
	ct, ps, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return io.ReadAll(body)
	}
	mr := multipart.NewReader(body, ps["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		if part.FileName() != "" {
			return io.ReadAll(part)
		}
	}
}

func (s *Server) filesCompleteUploadExternal(p params) (any, string) {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if json.Unmarshal([]byte(p.get("files")), &list) != nil || len(list) == 0 {
		return nil, "invalid_arguments"
	}
	var files []*File
	for _, item := range list {
		f := s.file(item.ID)
		switch {
		case f == nil || !f.Uploaded:
			return nil, "file_not_found"
		case len(f.Content) != f.Length:
			// The fake refuses bytes that differ from the declared length,
			// so a client that counts runes for bytes is caught; Slack
			// documents no error of its own for it.
			return nil, "invalid_arguments"
		}
		if item.Title != "" {
			f.Title = item.Title
		}
		files = append(files, f)
	}
	out := make([]map[string]any, len(files))
	for i, f := range files {
		out[i] = map[string]any{"id": f.ID, "title": f.Title}
	}
	channelID := p.get("channel_id")
	if channelID == "" {
		// Not shared: the files stay private to the uploader.
		return map[string]any{"files": out}, ""
	}
	c, e := s.writable(channelID)
	if e != "" {
		return nil, e
	}
	m := &Message{Channel: c.ID, User: BotUserID, ThreadTS: p.get("thread_ts"), Text: p.get("initial_comment")}
	if m.Text == "" {
		var ok bool
		if m.Blocks, ok = raw(p.get("blocks")); !ok {
			return nil, "invalid_blocks"
		}
	}
	for _, f := range files {
		f.Shared = true
		m.Files = append(m.Files, *f)
	}
	m.TS = s.nextTS()
	c.messages = append(c.messages, m)
	return map[string]any{"files": out}, ""
}
