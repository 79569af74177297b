# Prints every scalar of a JSON document as "path<TAB>value", e.g. "public_keys.mykey<TAB>ssh-ed25519 AAAA... me".
# Paths join object keys and array indexes with dots. Enough JSON for OpenStack's meta_data.json in busybox awk:
# string escapes are decoded except \uXXXX (read as "?"); newlines inside strings become spaces.
function skip() { while (pos <= n && index(" \t\r\n", substr(doc, pos, 1)) > 0) pos++ }
function text(    out, c, e) {
  out = ""
  pos++
  while (pos <= n) {
    c = substr(doc, pos++, 1)
    if (c == "\"") return out
    if (c != "\\") { out = out c; continue }
    e = substr(doc, pos++, 1)
    if (e == "n" || e == "r" || e == "t") out = out " "
    else if (e == "u") { out = out "?"; pos += 4 }
    else if (e == "b" || e == "f") continue
    else out = out e
  }
  return out
}
function value(path,    c, key, i, raw) {
  skip()
  c = substr(doc, pos, 1)
  if (c == "{" || c == "[") {
    pos++
    skip()
    if (substr(doc, pos, 1) == (c == "{" ? "}" : "]")) { pos++; return }
    for (i = 0; pos <= n; i++) {
      skip()
      if (c == "{") { key = text(); skip(); pos++ } else key = i
      value(path == "" ? key : path "." key)
      skip()
      if (substr(doc, pos++, 1) != ",") return
    }
    return
  }
  if (c == "\"") { print path "\t" text(); return }
  raw = ""
  while (pos <= n && index(",}] \t\r\n", substr(doc, pos, 1)) == 0) raw = raw substr(doc, pos++, 1)
  print path "\t" raw
}
{ doc = doc $0 "\n" }
END { n = length(doc); pos = 1; value("") }
