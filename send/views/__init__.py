"""SEND pages, one thin view per action: policy access helper, form, service, redirect or render."""
