# Two stages: build a static binary, run it on a small base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/incidentbot ./cmd/incidentbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/incidentbot /incidentbot
# The working folder (SQLite file without DATABASE_URL, console files) must
# be writable by the nonroot user; distroless has no shell to chown it.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["/incidentbot"]
CMD ["serve"]
