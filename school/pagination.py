from django.core.paginator import Paginator


def paginate(request, items, per_page: int = 50):
    """A page of `items`; `page.query` keeps the other GET parameters (filters) for the page links."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page.query = params.urlencode()
    return page
