//! The report card: MNIST's test set fetched, run on the page's engines (`test_set`) and shown
//! with its confusion matrix (`view`).

pub mod test_set;
pub mod view;
