//! Geometry of an armistice: the projection, the zones built from an agreement, the
//! locator that tells where any position lies, tracks and their crossings, and the
//! derivation of a demarcation line from the line of contact.

pub mod atlas;
pub mod demarcate;
pub mod export;
pub mod line_index;
pub mod locator;
pub mod projection;
pub mod track;
pub mod zones;

pub use atlas::{Atlas, Placement};
pub use line_index::{LineIndex, NearestMarker};
pub use locator::{Locator, ZoneIndex};
pub use projection::TransverseMercator;
pub use track::{Crossing, CrossingKind, TrackPoint, crossings};
pub use zones::{Marker, Zone, ZoneError, ZoneKind, ZoneSet};
