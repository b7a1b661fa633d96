//! PROPPATCH bodies (RFC 4918 §9.2, §14.19).

use crate::element::{Element, Node};
use crate::error::XmlError;
use crate::names;
use crate::qname::QName;
use crate::reader::parse_root;

/// One instruction of a PROPPATCH, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOp {
    /// Set the property to this element (name and value together).
    Set(Element),
    /// Remove the property.
    Remove(QName),
}

impl PatchOp {
    /// The property the instruction is about.
    pub fn name(&self) -> &QName {
        match self {
            PatchOp::Set(el) => &el.name,
            PatchOp::Remove(name) => name,
        }
    }
}

/// Parses a `DAV:propertyupdate` body; operations come out in document order
/// because RFC 4918 §9.2 requires them to be applied in that order.
pub fn parse_proppatch(body: &[u8]) -> Result<Vec<PatchOp>, XmlError> {
    let root = parse_root(body, &names::PROPERTYUPDATE)?;
    let mut ops = Vec::new();
    for node in root.children {
        let Node::Element(instr) = node else { continue };
        let set = instr.name == names::SET;
        if !set && instr.name != names::REMOVE {
            continue;
        }
        let mut saw_prop = false;
        for inner in instr.children {
            let Node::Element(prop) = inner else { continue };
            if prop.name != names::PROP {
                continue;
            }
            saw_prop = true;
            for value in prop.children {
                let Node::Element(value) = value else {
                    continue;
                };
                ops.push(if set {
                    PatchOp::Set(value)
                } else {
                    PatchOp::Remove(value.name)
                });
            }
        }
        if !saw_prop {
            return Err(XmlError::Invalid(format!(
                "{} without a prop element",
                instr.name.local
            )));
        }
    }
    if ops.is_empty() {
        return Err(XmlError::Invalid("propertyupdate changes nothing".into()));
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4918 §9.2.2.
    #[test]
    fn rfc4918_example() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
   <D:propertyupdate xmlns:D="DAV:"
           xmlns:Z="http://ns.example.com/standards/z39.50/">
     <D:set>
       <D:prop>
         <Z:Authors>
           <Z:Author>Jim Whitehead</Z:Author>
           <Z:Author>Roy Fielding</Z:Author>
         </Z:Authors>
       </D:prop>
     </D:set>
     <D:remove>
       <D:prop><Z:Copyright-Owner/></D:prop>
     </D:remove>
   </D:propertyupdate>"#;
        let ops = parse_proppatch(body).unwrap();
        let z = "http://ns.example.com/standards/z39.50/";
        assert_eq!(ops.len(), 2);
        let PatchOp::Set(authors) = &ops[0] else {
            panic!("expected set")
        };
        assert_eq!(authors.name, QName::new_static(z, "Authors"));
        let names: Vec<String> = authors.child_elements().map(Element::text).collect();
        assert_eq!(names, ["Jim Whitehead", "Roy Fielding"]);
        assert_eq!(
            ops[1],
            PatchOp::Remove(QName::new_static(z, "Copyright-Owner"))
        );
    }

    /// litmus props/propremoveset: remove, set, set, in that order.
    #[test]
    fn document_order_is_kept() {
        let ns = "http://example.com/neon/litmus/";
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><propertyupdate xmlns='DAV:'>\
             <remove><prop><removeset xmlns='{ns}'/></prop></remove>\
             <set><prop><removeset xmlns='{ns}'>x</removeset></prop></set>\
             <set><prop><removeset xmlns='{ns}'>y</removeset></prop></set>\
             </propertyupdate>"
        );
        let ops = parse_proppatch(body.as_bytes()).unwrap();
        let name = QName::new_static(ns, "removeset");
        assert_eq!(ops[0], PatchOp::Remove(name.clone()));
        assert!(matches!(&ops[1], PatchOp::Set(e) if e.text() == "x" && e.name == name));
        assert!(matches!(&ops[2], PatchOp::Set(e) if e.text() == "y"));
        assert!(ops.iter().all(|op| op.name() == &name));
    }

    #[test]
    fn errors() {
        for (body, want_invalid) in [
            (r#"<D:propertyupdate xmlns:D="DAV:"/>"#, true),
            (
                r#"<D:propertyupdate xmlns:D="DAV:"><D:set/></D:propertyupdate>"#,
                true,
            ),
            (
                r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop/></D:set></D:propertyupdate>"#,
                true,
            ),
            ("", true),
        ] {
            let err = parse_proppatch(body.as_bytes()).unwrap_err();
            assert_eq!(matches!(err, XmlError::Invalid(_)), want_invalid, "{body}");
        }
        assert!(matches!(
            parse_proppatch(br#"<D:propfind xmlns:D="DAV:"/>"#),
            Err(XmlError::UnexpectedRoot { .. })
        ));
    }
}
