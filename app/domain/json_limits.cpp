// Depth-limited JSON parsing (see json_limits.h): nlohmann's own DOM builder behind a
// SAX filter that stops the parse when a container opens too deep.
#include "domain/json_limits.h"

#include <utility>
#include <vector>

#include "domain/utf8.h"

namespace yimen {
namespace {

using nlohmann::json;

// Forwards every event to the DOM builder and counts open containers; returning false
// from a SAX event ends sax_parse at once.
class DepthLimitedBuilder {
 public:
  DepthLimitedBuilder(json* root, int max_depth)
      : m_dom(*root, /*allow_exceptions=*/false), m_max_depth(max_depth) {}

  bool null() { return m_dom.null(); }
  bool boolean(bool value) { return m_dom.boolean(value); }
  bool number_integer(json::number_integer_t value) { return m_dom.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return m_dom.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return m_dom.number_float(value, text);
  }
  bool string(json::string_t& value) { return m_dom.string(value); }
  bool binary(json::binary_t& value) { return m_dom.binary(value); }
  bool start_object(std::size_t size) { return Open() && m_dom.start_object(size); }
  bool key(json::string_t& value) { return m_dom.key(value); }
  bool end_object() {
    --m_depth;
    return m_dom.end_object();
  }
  bool start_array(std::size_t size) { return Open() && m_dom.start_array(size); }
  bool end_array() {
    --m_depth;
    return m_dom.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& error) {
    m_syntax_error = error.what();
    return m_dom.parse_error(position, token, error);
  }

  bool too_deep() const { return m_too_deep; }
  const std::string& syntax_error() const { return m_syntax_error; }

 private:
  bool Open() {
    if (++m_depth > m_max_depth) {
      m_too_deep = true;
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<json> m_dom;
  int m_max_depth;
  int m_depth = 0;
  bool m_too_deep = false;
  std::string m_syntax_error;
};

std::string Printable(std::string text) {
  if (!IsValidUtf8(text)) {
    for (char& ch : text) {
      if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
    }
  }
  return text;
}

}  // namespace

Result<json> ParseJsonWithin(std::string_view text, int max_depth) {
  json root;
  DepthLimitedBuilder builder(&root, max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(text, &builder);
  } catch (const json::exception& e) {
    return MakeError(ErrorKind::kInvalidArgument, Printable(e.what()));
  }
  if (builder.too_deep()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  if (!ok) {
    return MakeError(ErrorKind::kInvalidArgument,
                     builder.syntax_error().empty() ? std::string("not JSON")
                                                    : Printable(builder.syntax_error()));
  }
  return root;
}

// A key as it may appear in a path: its NULs spelled out, so the path itself is clean.
static std::string PathKey(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '\0') {
      out += "\\u0000";
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::optional<std::string> FindNulText(const json& value) {
  std::vector<std::pair<const json*, std::string>> pending{{&value, ""}};
  while (!pending.empty()) {
    auto [node, path] = std::move(pending.back());
    pending.pop_back();
    if (node->is_string()) {
      if (node->get_ref<const std::string&>().find('\0') != std::string::npos) {
        return path.empty() ? std::string("message") : path;
      }
    } else if (node->is_object()) {
      for (const auto& [key, child] : node->items()) {
        const std::string child_path = path.empty() ? PathKey(key) : path + "." + PathKey(key);
        if (key.find('\0') != std::string::npos) return child_path;
        pending.emplace_back(&child, child_path);
      }
    } else if (node->is_array()) {
      for (size_t i = 0; i < node->size(); ++i) {
        pending.emplace_back(&(*node)[i], path + "[" + std::to_string(i) + "]");
      }
    }
  }
  return std::nullopt;
}

}  // namespace yimen
