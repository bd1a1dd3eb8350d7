// FHIR R4 data types <-> canonical model types, see datatypes.h.
#include "adapters/fhir/datatypes.h"

#include "adapters/mapping.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr std::string_view kOidPrefix = "urn:oid:";
constexpr std::string_view kIdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";

bool isOid(std::string_view s) {
  if (s.empty() || s.find('.') == std::string_view::npos) return false;
  for (char c : s) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  return true;
}

bool hasCoding(const PtrList<model::CodingT>& list, std::string_view system, std::string_view code) {
  for (const auto& c : list) {
    if (c && c->system == system && c->code == code) return true;
  }
  return false;
}

// Appends the table mappings of `source` to `alt`, skipping codings already there.
void appendMappings(Mapping mapping, const model::CodingT& source, PtrList<model::CodingT>& alt) {
  if (mapping == Mapping::kNone) return;
  const Table table = mapping == Mapping::kDepartments ? Table::kDepartments : Table::kLabItems;
  for (const CodeTarget& t : builtinMap(table).lookup(source.system, source.code)) {
    if (hasCoding(alt, t.system, t.code)) continue;
    auto c = std::make_unique<model::CodingT>();
    c->system = t.system;
    c->code = t.code;
    c->display = t.display;
    alt.push_back(std::move(c));
  }
}

model::ContactSystem contactSystem(std::string_view s) {
  if (s == "phone") return model::ContactSystem::Phone;
  if (s == "email") return model::ContactSystem::Email;
  if (s == "fax") return model::ContactSystem::Fax;
  if (s == "other") return model::ContactSystem::Other;
  return model::ContactSystem::Unknown;
}

std::string_view contactSystemName(model::ContactSystem s) {
  switch (s) {
    case model::ContactSystem::Phone: return "phone";
    case model::ContactSystem::Email: return "email";
    case model::ContactSystem::Fax: return "fax";
    case model::ContactSystem::Other: return "other";
    default: return "";
  }
}

Status decodeNameObject(const Node& n, model::HumanNameT& out) {
  RETURN_IF_ERROR(getString(n, "family", out.family));
  RETURN_IF_ERROR(getString(n, "text", out.text));
  RETURN_IF_ERROR(forEachItem(n, "given", [&](const Node& g) -> Status {
    if (!isString(g.value())) return g.error("expected a string");
    out.given.emplace_back(stringOf(g.value()));
    return Status::ok();
  }));
  RETURN_IF_ERROR(getFirstString(n, "prefix", out.prefix));
  return getFirstString(n, "suffix", out.suffix);
}

}  // namespace

std::string systemToUri(std::string_view system) {
  return isOid(system) ? std::string(kOidPrefix).append(system) : std::string(system);
}

std::string systemFromUri(std::string_view uri) {
  if (uri.substr(0, kOidPrefix.size()) == kOidPrefix && isOid(uri.substr(kOidPrefix.size()))) {
    uri.remove_prefix(kOidPrefix.size());
  }
  return std::string(uri);
}

Status getFirstString(const Node& obj, std::string_view key, std::string& out) {
  bool done = false;
  return forEachItem(obj, key, [&](const Node& s) -> Status {
    if (!isString(s.value())) return s.error("expected a string");
    if (!done) out.assign(stringOf(s.value()));
    done = true;
    return Status::ok();
  });
}

Status decodeCoding(const Node& n, model::CodingT& out) {
  RETURN_IF_ERROR(expectObject(n));
  RETURN_IF_ERROR(getString(n, "system", out.system));
  RETURN_IF_ERROR(getString(n, "code", out.code));
  return getString(n, "display", out.display);
}

Status decodeConcept(const Node& n, Mapping mapping, model::CodeableConceptT& out) {
  RETURN_IF_ERROR(expectObject(n));
  RETURN_IF_ERROR(getString(n, "text", out.text));
  RETURN_IF_ERROR(forEachItem(n, "coding", [&](const Node& c) -> Status {
    auto coding = std::make_unique<model::CodingT>();
    RETURN_IF_ERROR(decodeCoding(c, *coding));
    if (out.coding == nullptr) {
      out.coding = std::move(coding);
    } else if (!hasCoding(out.alt, coding->system, coding->code)) {
      out.alt.push_back(std::move(coding));
    }
    return Status::ok();
  }));
  if (out.coding != nullptr) appendMappings(mapping, *out.coding, out.alt);
  return Status::ok();
}

Status decodeConcept(const Node& obj, std::string_view key, Mapping mapping,
                     Ptr<model::CodeableConceptT>& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    out = std::make_unique<model::CodeableConceptT>();
    return decodeConcept(n, mapping, *out);
  });
}

Status decodeConcepts(const Node& obj, std::string_view key, Mapping mapping,
                      PtrList<model::CodeableConceptT>& out) {
  return forEachItem(obj, key, [&](const Node& n) -> Status {
    out.push_back(std::make_unique<model::CodeableConceptT>());
    return decodeConcept(n, mapping, *out.back());
  });
}

Status decodeFirstCoding(const Node& obj, std::string_view key, Ptr<model::CodingT>& out) {
  return withObject(obj, key, [&](const Node& n) -> Status {
    return withFirstObject(n, "coding", [&](const Node& c) -> Status {
      out = std::make_unique<model::CodingT>();
      return decodeCoding(c, *out);
    });
  });
}

Status decodeIdentifier(const Node& n, model::IdentifierT& out) {
  RETURN_IF_ERROR(expectObject(n));
  RETURN_IF_ERROR(getString(n, "system", out.system));
  out.system = systemFromUri(out.system);
  RETURN_IF_ERROR(getString(n, "value", out.value));
  RETURN_IF_ERROR(withObject(n, "type", [&](const Node& t) -> Status {
    return withFirstObject(t, "coding", [&](const Node& c) { return getString(c, "code", out.type); });
  }));
  return withObject(n, "assigner", [&](const Node& a) { return getString(a, "display", out.assigner); });
}

Status decodeIdentifiers(const Node& obj, std::string_view key, PtrList<model::IdentifierT>& out) {
  return forEachItem(obj, key, [&](const Node& n) -> Status {
    out.push_back(std::make_unique<model::IdentifierT>());
    return decodeIdentifier(n, *out.back());
  });
}

Status decodeName(const Node& obj, std::string_view key, Ptr<model::HumanNameT>& out) {
  // The official name, else the first.
  int64_t chosen = -1;
  int64_t index = 0;
  bool official = false;
  RETURN_IF_ERROR(forEachObject(obj, key, [&](const Node& n) -> Status {
    std::string use;
    RETURN_IF_ERROR(getString(n, "use", use));
    if (chosen < 0 || (use == "official" && !official)) {
      chosen = index;
      official = use == "official";
    }
    ++index;
    return Status::ok();
  }));
  if (chosen < 0) return Status::ok();
  out = std::make_unique<model::HumanNameT>();
  index = 0;
  return forEachObject(obj, key, [&](const Node& n) -> Status {
    return index++ == chosen ? decodeNameObject(n, *out) : Status::ok();
  });
}

Status decodeTelecom(const Node& obj, std::string_view key, PtrList<model::ContactPointT>& out) {
  return forEachObject(obj, key, [&](const Node& n) -> Status {
    auto cp = std::make_unique<model::ContactPointT>();
    std::string system;
    RETURN_IF_ERROR(getString(n, "system", system));
    cp->system = contactSystem(system);
    RETURN_IF_ERROR(getString(n, "value", cp->value));
    RETURN_IF_ERROR(getString(n, "use", cp->use));
    out.push_back(std::move(cp));
    return Status::ok();
  });
}

Status decodeAddress(const Node& n, model::AddressT& out) {
  RETURN_IF_ERROR(expectObject(n));
  RETURN_IF_ERROR(getString(n, "text", out.text));
  RETURN_IF_ERROR(forEachItem(n, "line", [&](const Node& l) -> Status {
    if (!isString(l.value())) return l.error("expected a string");
    out.line.emplace_back(stringOf(l.value()));
    return Status::ok();
  }));
  RETURN_IF_ERROR(getString(n, "city", out.city));
  RETURN_IF_ERROR(getString(n, "district", out.district));
  RETURN_IF_ERROR(getString(n, "state", out.province));
  RETURN_IF_ERROR(getString(n, "postalCode", out.postal_code));
  RETURN_IF_ERROR(getString(n, "country", out.country));
  return getString(n, "use", out.use);
}

void splitReference(std::string_view ref, std::string& kind, std::string& id) {
  const size_t slash = ref.rfind('/');
  if (slash == std::string_view::npos) {
    kind.clear();
    id.assign(ref);
    return;
  }
  id.assign(ref.substr(slash + 1));
  std::string_view head = ref.substr(0, slash);
  const size_t prev = head.rfind('/');
  kind.assign(prev == std::string_view::npos ? head : head.substr(prev + 1));
}

Status decodeReference(const Node& n, model::ReferenceT& out) {
  RETURN_IF_ERROR(expectObject(n));
  std::string ref;
  RETURN_IF_ERROR(getString(n, "reference", ref));
  if (!ref.empty()) splitReference(ref, out.kind, out.id);
  if (out.kind.empty()) RETURN_IF_ERROR(getString(n, "type", out.kind));
  RETURN_IF_ERROR(withMember(n, "identifier", [&](const Node& i) -> Status {
    out.identifier = std::make_unique<model::IdentifierT>();
    return decodeIdentifier(i, *out.identifier);
  }));
  RETURN_IF_ERROR(getString(n, "display", out.display));
  return extString(n, "city", out.city);
}

Status decodeReference(const Node& obj, std::string_view key, Ptr<model::ReferenceT>& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    out = std::make_unique<model::ReferenceT>();
    return decodeReference(n, *out);
  });
}

Status decodePeriod(const Node& obj, std::string_view key, Ptr<model::PeriodT>& out) {
  return withObject(obj, key, [&](const Node& n) -> Status {
    out = std::make_unique<model::PeriodT>();
    RETURN_IF_ERROR(getTime(n, "start", out->start));
    return getTime(n, "end", out->end);
  });
}

Status extString(const Node& obj, std::string_view name, std::string& out) {
  return forEachExtension(obj, name, [&](const Node& e) { return getString(e, "valueString", out); });
}

Status extUint(const Node& obj, std::string_view name, uint64_t max, uint64_t& out) {
  return forEachExtension(obj, name, [&](const Node& e) { return getUint(e, "valueUnsignedInt", max, out); });
}

Status extReference(const Node& obj, std::string_view name, Ptr<model::ReferenceT>& out) {
  return forEachExtension(obj, name,
                          [&](const Node& e) { return decodeReference(e, "valueReference", out); });
}

Status extCoding(const Node& obj, std::string_view name, Ptr<model::CodingT>& out) {
  return forEachExtension(obj, name, [&](const Node& e) {
    return withMember(e, "valueCoding", [&](const Node& c) -> Status {
      out = std::make_unique<model::CodingT>();
      return decodeCoding(c, *out);
    });
  });
}

Status extConcepts(const Node& obj, std::string_view name, Mapping mapping,
                   PtrList<model::CodeableConceptT>& out) {
  return forEachExtension(obj, name, [&](const Node& e) {
    return withMember(e, "valueCodeableConcept", [&](const Node& c) -> Status {
      out.push_back(std::make_unique<model::CodeableConceptT>());
      return decodeConcept(c, mapping, *out.back());
    });
  });
}

// -- encode -----------------------------------------------------------------------------------

void writeCoding(Out& o, const model::CodingT& c) {
  o.beginObject();
  o.field("system", c.system);
  o.field("code", c.code);
  o.field("display", c.display);
  o.endObject();
}

void writeConcept(Out& o, const model::CodeableConceptT& c) {
  o.beginObject();
  if (c.coding != nullptr || !c.alt.empty()) {
    o.key("coding");
    o.beginArray();
    if (c.coding != nullptr) writeCoding(o, *c.coding);
    for (const auto& a : c.alt) {
      if (a) writeCoding(o, *a);
    }
    o.endArray();
  }
  o.field("text", c.text);
  o.endObject();
}

void writeConcept(Out& o, std::string_view key, const Ptr<model::CodeableConceptT>& c) {
  if (c == nullptr) return;
  o.key(key);
  writeConcept(o, *c);
}

void writeConcepts(Out& o, std::string_view key, const PtrList<model::CodeableConceptT>& list) {
  if (list.empty()) return;
  o.key(key);
  o.beginArray();
  for (const auto& c : list) {
    if (c) writeConcept(o, *c);
  }
  o.endArray();
}

void writeCodingAsConcept(Out& o, std::string_view key, const Ptr<model::CodingT>& c) {
  if (c == nullptr) return;
  o.key(key);
  o.beginObject();
  o.key("coding");
  o.beginArray();
  writeCoding(o, *c);
  o.endArray();
  o.endObject();
}

void writeIdentifier(Out& o, const model::IdentifierT& id) {
  o.beginObject();
  if (!id.type.empty()) {
    o.key("type");
    o.beginObject();
    o.key("coding");
    o.beginArray();
    o.beginObject();
    o.field("system", kIdentifierTypeSystem);
    o.field("code", id.type);
    o.endObject();
    o.endArray();
    o.endObject();
  }
  o.field("system", systemToUri(id.system));
  o.field("value", id.value);
  if (!id.assigner.empty()) {
    o.key("assigner");
    o.beginObject();
    o.field("display", id.assigner);
    o.endObject();
  }
  o.endObject();
}

void writeIdentifiers(Out& o, std::string_view key, const PtrList<model::IdentifierT>& list) {
  if (list.empty()) return;
  o.key(key);
  o.beginArray();
  for (const auto& i : list) {
    if (i) writeIdentifier(o, *i);
  }
  o.endArray();
}

void writeName(Out& o, std::string_view key, const Ptr<model::HumanNameT>& name) {
  if (name == nullptr) return;
  o.key(key);
  o.beginArray();
  o.beginObject();
  o.field("text", name->text);
  o.field("family", name->family);
  if (!name->given.empty()) {
    o.key("given");
    o.beginArray();
    for (const auto& g : name->given) o.str(g);
    o.endArray();
  }
  for (auto [k, v] : {std::pair<std::string_view, std::string_view>{"prefix", name->prefix},
                      std::pair<std::string_view, std::string_view>{"suffix", name->suffix}}) {
    if (v.empty()) continue;
    o.key(k);
    o.beginArray();
    o.str(v);
    o.endArray();
  }
  o.endObject();
  o.endArray();
}

void writeTelecom(Out& o, std::string_view key, const PtrList<model::ContactPointT>& list) {
  if (list.empty()) return;
  o.key(key);
  o.beginArray();
  for (const auto& cp : list) {
    if (!cp) continue;
    o.beginObject();
    o.field("system", contactSystemName(cp->system));
    o.field("value", cp->value);
    o.field("use", cp->use);
    o.endObject();
  }
  o.endArray();
}

void writeAddress(Out& o, const model::AddressT& a) {
  o.beginObject();
  o.field("use", a.use);
  o.field("text", a.text);
  if (!a.line.empty()) {
    o.key("line");
    o.beginArray();
    for (const auto& l : a.line) o.str(l);
    o.endArray();
  }
  o.field("city", a.city);
  o.field("district", a.district);
  o.field("state", a.province);
  o.field("postalCode", a.postal_code);
  o.field("country", a.country);
  o.endObject();
}

void writeReference(Out& o, const model::ReferenceT& r) {
  o.beginObject();
  {
    Extensions ext(o);
    ext.string("city", r.city);
  }
  if (r.id.empty()) {
    o.field("type", r.kind);
  } else if (r.kind.find('/') != std::string::npos) {
    // "A/B/id" would read back as kind "B": the kind goes in `type` (read when the reference has none).
    o.field("reference", r.id);
    o.field("type", r.kind);
  } else {
    o.field("reference", r.kind.empty() ? r.id : r.kind + "/" + r.id);
  }
  if (r.identifier != nullptr) {
    o.key("identifier");
    writeIdentifier(o, *r.identifier);
  }
  o.field("display", r.display);
  o.endObject();
}

void writeReference(Out& o, std::string_view key, const Ptr<model::ReferenceT>& r) {
  if (r == nullptr) return;
  o.key(key);
  writeReference(o, *r);
}

void writePeriod(Out& o, std::string_view key, const Ptr<model::PeriodT>& p) {
  if (p == nullptr) return;
  o.key(key);
  o.beginObject();
  o.field("start", p->start);
  o.field("end", p->end);
  o.endObject();
}

void Extensions::begin(std::string_view name) {
  if (!open_) {
    o_.key("extension");
    o_.beginArray();
    open_ = true;
  }
  o_.beginObject();
  o_.key("url");
  o_.str(std::string(kExtBase) + std::string(name));
}

void Extensions::string(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  begin(name);
  o_.field("valueString", value);
  o_.endObject();
}

void Extensions::uint(std::string_view name, uint64_t value, uint64_t default_value) {
  if (value == default_value) return;
  begin(name);
  o_.key("valueUnsignedInt");
  o_.uint(value);
  o_.endObject();
}

void Extensions::reference(std::string_view name, const Ptr<model::ReferenceT>& r) {
  if (r == nullptr) return;
  begin(name);
  writeReference(o_, "valueReference", r);
  o_.endObject();
}

void Extensions::coding(std::string_view name, const Ptr<model::CodingT>& c) {
  if (c == nullptr) return;
  begin(name);
  o_.key("valueCoding");
  writeCoding(o_, *c);
  o_.endObject();
}

void Extensions::codeableConcept(std::string_view name, const model::CodeableConceptT& c) {
  begin(name);
  o_.key("valueCodeableConcept");
  writeConcept(o_, c);
  o_.endObject();
}

void Extensions::close() {
  if (open_) o_.endArray();
  open_ = false;
}

}  // namespace metrogw::adapters::fhir
