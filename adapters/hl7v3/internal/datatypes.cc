// HL7 v3 data types <-> canonical model, see datatypes.h.
#include "adapters/hl7v3/internal/datatypes.h"

#include <memory>
#include <utility>

namespace metrogw::adapters::hl7v3 {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int num(std::string_view d, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (d[i] - '0');
  return v;
}

struct TsParts {
  std::string digits;
  std::string fraction;
  std::string zone;  // "+hhmm", "-hhmm", "Z" or "" (none)
};

bool splitTs(std::string_view ts, TsParts& p) {
  size_t i = 0;
  for (; i < ts.size(); ++i) {
    const char c = ts[i];
    if (isDigit(c)) {
      p.digits.push_back(c);
    } else if (c == '+' || c == 'Z' || (c == '-' && p.digits.size() >= 10)) {
      break;
    } else if (c == '.') {
      for (++i; i < ts.size() && isDigit(ts[i]); ++i) p.fraction.push_back(ts[i]);
      if (p.fraction.empty()) return false;
      break;
    } else if (c != '-' && c != ':' && c != ' ' && c != 'T') {
      return false;
    }
  }
  if (i == ts.size()) return true;
  if (ts[i] == 'Z') {
    p.zone = "Z";
    return i + 1 == ts.size();
  }
  if (ts[i] != '+' && ts[i] != '-') return false;
  p.zone.push_back(ts[i]);
  for (++i; i < ts.size(); ++i) {
    if (isDigit(ts[i])) {
      p.zone.push_back(ts[i]);
    } else if (ts[i] != ':') {
      return false;
    }
  }
  if (p.zone.size() == 3) p.zone += "00";
  return p.zone.size() == 5 && num(p.zone, 1, 2) <= 14 && num(p.zone, 3, 2) < 60;
}

bool validFields(std::string_view d) {
  const size_t n = d.size();
  if (n >= 6 && (num(d, 4, 2) < 1 || num(d, 4, 2) > 12)) return false;
  if (n >= 8 && (num(d, 6, 2) < 1 || num(d, 6, 2) > 31)) return false;
  if (n >= 10 && num(d, 8, 2) > 23) return false;
  if (n >= 12 && num(d, 10, 2) > 59) return false;
  if (n >= 14 && num(d, 12, 2) > 60) return false;
  return true;
}

std::string zoneToIso(std::string_view zone) {
  if (zone.empty()) return "+08:00";
  if (zone == "Z" || zone == "+0000") return "Z";
  return std::string(zone.substr(0, 3)) + ":" + std::string(zone.substr(3, 2));
}

}  // namespace

StatusOr<std::string> tsToIso(std::string_view ts) {
  TsParts p;
  if (!splitTs(ts, p)) return Status::malformedMessage("not a TS value");
  const size_t n = p.digits.size();
  if (n == 0 || p.digits.find_first_not_of('0') == std::string::npos) return std::string();
  if ((n != 4 && n != 6 && n != 8 && n != 10 && n != 12 && n != 14) || !validFields(p.digits)) {
    return Status::malformedMessage("not a TS value");
  }
  const std::string& d = p.digits;
  std::string out = d.substr(0, 4);
  if (n >= 6) out += "-" + d.substr(4, 2);
  if (n >= 8) out += "-" + d.substr(6, 2);
  if (n <= 8) return out;
  out += "T" + d.substr(8, 2) + ":" + (n >= 12 ? d.substr(10, 2) : std::string("00"));
  if (n >= 14) out += ":" + d.substr(12, 2);
  if (n >= 14 && !p.fraction.empty()) out += "." + p.fraction;
  return out + zoneToIso(p.zone);
}

std::string isoToTs(std::string_view iso) {
  std::string out;
  size_t i = 0;
  for (; i < iso.size(); ++i) {
    const char c = iso[i];
    if (isDigit(c) || c == '.') {
      out.push_back(c);
    } else if (c == 'Z') {
      return out + "+0000";
    } else if ((c == '+' || c == '-') && out.size() >= 10) {
      break;
    }
  }
  if (i < iso.size()) {
    out.push_back(iso[i]);
    for (++i; i < iso.size(); ++i) {
      if (isDigit(iso[i])) out.push_back(iso[i]);
    }
  }
  return out;
}

StatusOr<std::string> readTs(pugi::xml_node node) {
  auto iso = tsToIso(attr(node, "value"));
  if (!iso.isOk()) return xmlError(node, "/@value", iso.status().message());
  return iso;
}

void writeTs(XmlWriter& w, std::string_view name, std::string_view iso) {
  if (iso.empty()) return;
  w.open(name);
  w.attr("value", isoToTs(iso));
  w.close();
}

model::IdentifierT readIi(pugi::xml_node node) {
  model::IdentifierT id;
  id.system = attr(node, "root");
  id.value = attr(node, "extension");
  id.assigner = attr(node, "assigningAuthorityName");
  return id;
}

bool isNullIi(const model::IdentifierT& id) { return id.value.empty() || id.value == "-"; }

void readIds(pugi::xml_node id, std::vector<std::unique_ptr<model::IdentifierT>>& out) {
  if (!id) return;
  std::vector<pugi::xml_node> items = children(id, "item");
  if (items.empty()) items.push_back(id);
  for (pugi::xml_node item : items) {
    model::IdentifierT ii = readIi(item);
    if (!isNullIi(ii)) out.push_back(std::make_unique<model::IdentifierT>(std::move(ii)));
  }
}

void writeIi(XmlWriter& w, std::string_view name, const model::IdentifierT& id) {
  w.open(name);
  w.optAttr("root", id.system);
  w.attr("extension", id.value);
  w.optAttr("assigningAuthorityName", id.assigner);
  w.close();
}

model::CodingT readCd(pugi::xml_node node) {
  model::CodingT c;
  c.code = attr(node, "code");
  c.system = attr(node, "codeSystem");
  c.display = attr(node, "displayName");
  if (c.display.empty()) c.display = attr(child(node, "displayName"), "value");
  return c;
}

void writeCdAttrs(XmlWriter& w, const model::CodingT& coding, Style style) {
  w.optAttr("code", coding.code);
  w.optAttr("codeSystem", coding.system);
  if (style == Style::kCda) w.optAttr("displayName", coding.display);
}

void writeCd(XmlWriter& w, std::string_view name, const model::CodingT& coding, Style style) {
  w.open(name);
  writeCdAttrs(w, coding, style);
  if (style == Style::kMessage) w.leaf("displayName", "value", coding.display);
  w.close();
}

std::string readName(pugi::xml_node node) {
  if (!node) return {};
  std::string out(text(node));
  if (!out.empty()) return out;
  pugi::xml_node item = child(node, "item");
  if (!item) item = node;
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view n = localName(c.name());
    if (n == "part") out += attr(c, "value");
    if (n == "family" || n == "given") out += text(c);
  }
  return std::string(trim(out));
}

void writeName(XmlWriter& w, std::string_view name, std::string_view value, Style style) {
  if (value.empty()) return;
  w.open(name);
  if (style == Style::kCda) {
    w.text(value);
  } else {
    w.attr("xsi:type", "LIST_EN");
    w.open("item");
    w.leaf("part", "value", value);
    w.close();
  }
  w.close();
}

namespace {

std::string_view addressUse(std::string_view v3) {
  if (v3 == "H" || v3 == "HP") return "home";
  if (v3 == "WP") return "work";
  if (v3 == "TMP") return "temp";
  return v3;
}

std::string_view v3AddressUse(std::string_view use) {
  if (use == "home") return "H";
  if (use == "work") return "WP";
  if (use == "temp") return "TMP";
  return use;
}

void readAddressPart(std::string_view type, std::string_view value, model::AddressT& a) {
  if (value.empty()) return;
  if (type == "SAL") {
    a.text = value;
  } else if (type == "STA") {
    a.province = value;
  } else if (type == "CTY") {
    a.city = value;
  } else if (type == "CNT") {  // the national specs use CNT for the county (县/区)
    a.district = value;
  } else if (type == "ZIP") {
    a.postal_code = value;
  } else if (type == "CTRY") {  // country; CNT is taken by the county
    a.country = value;
  } else {
    a.line.emplace_back(value);
  }
}

void readCdaAddressElement(std::string_view name, std::string_view value, model::AddressT& a) {
  if (value.empty()) return;
  if (name == "state") {
    a.province = value;
  } else if (name == "city") {
    a.city = value;
  } else if (name == "county") {
    a.district = value;
  } else if (name == "postalCode") {
    a.postal_code = value;
  } else if (name == "country") {
    a.country = value;
  } else {
    a.line.emplace_back(value);
  }
}

}  // namespace

model::AddressT readAddress(pugi::xml_node node) {
  model::AddressT a;
  pugi::xml_node item = child(node, "item");
  a.use = addressUse(attr(item ? item : node, "use"));
  if (item || child(node, "part")) {
    for (pugi::xml_node p : children(item ? item : node, "part"))
      readAddressPart(attr(p, "type"), attr(p, "value"), a);
    return a;
  }
  a.text = text(node);
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) readCdaAddressElement(localName(c.name()), text(c), a);
  }
  return a;
}

namespace {

void writePart(XmlWriter& w, std::string_view type, std::string_view value) {
  if (value.empty()) return;
  w.open("part");
  w.attr("type", type);
  w.attr("value", value);
  w.close();
}

void writeElement(XmlWriter& w, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  w.open(name);
  w.text(value);
  w.close();
}

}  // namespace

void writeAddress(XmlWriter& w, const model::AddressT& a, Style style) {
  w.open("addr");
  if (style == Style::kMessage) {
    w.attr("xsi:type", "LIST_AD");
    w.open("item");
    w.optAttr("use", v3AddressUse(a.use));
    writePart(w, "SAL", a.text);
    writePart(w, "STA", a.province);
    writePart(w, "CTY", a.city);
    writePart(w, "CNT", a.district);
    for (const std::string& line : a.line) writePart(w, "STR", line);
    writePart(w, "ZIP", a.postal_code);
    writePart(w, "CTRY", a.country);
    w.close();
  } else {
    w.optAttr("use", v3AddressUse(a.use));
    if (!a.text.empty()) w.text(a.text);
    writeElement(w, "state", a.province);
    writeElement(w, "city", a.city);
    writeElement(w, "county", a.district);
    for (const std::string& line : a.line) writeElement(w, "streetAddressLine", line);
    writeElement(w, "postalCode", a.postal_code);
    writeElement(w, "country", a.country);
  }
  w.close();
}

std::string_view telecomUse(std::string_view v3_use) {
  if (v3_use == "H" || v3_use == "HP") return "home";
  if (v3_use == "WP") return "work";
  if (v3_use == "MC") return "mobile";
  return v3_use;
}

std::string_view v3TelecomUse(std::string_view use) {
  if (use == "home") return "H";
  if (use == "work") return "WP";
  if (use == "mobile") return "MC";
  return use;
}

model::ContactPointT readTelecom(pugi::xml_node node) {
  model::ContactPointT c;
  std::string_view v = attr(node, "value");
  c.use = telecomUse(attr(node, "use"));
  if (v.substr(0, 4) == "tel:") {
    c.system = model::ContactSystem::Phone;
    v.remove_prefix(4);
  } else if (v.substr(0, 7) == "mailto:") {
    c.system = model::ContactSystem::Email;
    v.remove_prefix(7);
  } else if (v.substr(0, 4) == "fax:") {
    c.system = model::ContactSystem::Fax;
    v.remove_prefix(4);
  } else {
    c.system =
        v.find('@') == std::string_view::npos ? model::ContactSystem::Phone : model::ContactSystem::Email;
  }
  c.value = trim(v);  // "tel: 123": the value is written back without the scheme
  return c;
}

std::string telecomUrl(const model::ContactPointT& contact) {
  switch (contact.system) {
    case model::ContactSystem::Email: return "mailto:" + contact.value;
    case model::ContactSystem::Fax: return "fax:" + contact.value;
    default: {
      const std::string_view v = contact.value;
      const bool ambiguous = v.find('@') != std::string_view::npos || v.substr(0, 4) == "tel:" ||
                             v.substr(0, 4) == "fax:" || v.substr(0, 7) == "mailto:";
      return ambiguous ? "tel:" + contact.value : contact.value;
    }
  }
}

std::unique_ptr<model::CodingT> codingOrNull(model::CodingT coding) {
  if (coding.code.empty() && coding.system.empty() && coding.display.empty()) return nullptr;
  return std::make_unique<model::CodingT>(std::move(coding));
}

bool isEmpty(const model::CodingT* coding) {
  return coding == nullptr || (coding->code.empty() && coding->system.empty() && coding->display.empty());
}

}  // namespace metrogw::adapters::hl7v3
